package dev.outrigger.agent.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The pod's resolver configuration, read once at start: the nameservers are the original
 * upstreams (the capture rules later send the app's queries to them to us), the first search
 * domain gives the expanded names the proxy answers for mesh hosts.
 */
public record ResolvConf(List<InetSocketAddress> nameservers, List<String> search) {
  public static final Path DEFAULT = Path.of("/etc/resolv.conf");

  public ResolvConf {
    nameservers = List.copyOf(nameservers);
    search = List.copyOf(search);
  }

  public static ResolvConf read(Path file) throws IOException {
    return parse(Files.readString(file));
  }

  /** As glibc: "nameserver" lines in order, the last "search" (or "domain") line wins; port 53. */
  public static ResolvConf parse(String text) {
    List<InetSocketAddress> servers = new ArrayList<>();
    List<String> search = List.of();
    for (String line : text.split("\n")) {
      String[] words = line.trim().split("\\s+");
      if (words.length < 2 || words[0].startsWith("#") || words[0].startsWith(";")) {
        continue;
      }
      switch (words[0]) {
        case "nameserver" -> literal(words[1]).ifPresent(a -> servers.add(new InetSocketAddress(a, 53)));
        case "search", "domain" -> search = List.of(words).subList(1, words.length);
        default -> { }
      }
    }
    return new ResolvConf(servers, search);
  }

  private static java.util.Optional<InetAddress> literal(String text) {
    String address = text.contains("%") ? text.substring(0, text.indexOf('%')) : text;
    if (!address.matches("[0-9a-fA-F:.]+")) {
      return java.util.Optional.empty(); // never a name lookup here
    }
    try {
      return java.util.Optional.of(InetAddress.getByName(address));
    } catch (IOException e) {
      return java.util.Optional.empty();
    }
  }
}
