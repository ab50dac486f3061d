package dev.outrigger.agent.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A name table from a file (OUTRIGGER_DNS_NAME_TABLE), for running without istiod and for tests:
 * one host a line, {@code <host> <ip>[,<ip>...] [<service>.<namespace>]}; the third column makes
 * it a Kubernetes service (its short names answered too). '#' starts a comment.
 */
public final class StaticNames {
  public static final String ENV = "OUTRIGGER_DNS_NAME_TABLE";

  private StaticNames() {
  }

  public static NameTable read(Path file) throws IOException {
    return parse(Files.readString(file));
  }

  public static NameTable parse(String text) throws IOException {
    Map<String, NameTable.NameInfo> hosts = new HashMap<>();
    for (String line : text.split("\n")) {
      String content = line.contains("#") ? line.substring(0, line.indexOf('#')) : line;
      String[] words = content.trim().split("\\s+");
      if (words.length < 2) {
        continue;
      }
      List<InetAddress> ips = new ArrayList<>();
      for (String ip : words[1].split(",")) {
        if (!ip.matches("[0-9a-fA-F:.]+")) {
          throw new IOException("not an IP address: " + ip);
        }
        ips.add(InetAddress.getByName(ip));
      }
      if (words.length >= 3) {
        String[] service = words[2].split("\\.", 2);
        hosts.put(words[0], NameTable.NameInfo.kubernetes(ips, service[0], service.length > 1 ? service[1] : ""));
      } else {
        hosts.put(words[0], NameTable.NameInfo.serviceEntry(ips));
      }
    }
    return new NameTable(hosts);
  }
}
