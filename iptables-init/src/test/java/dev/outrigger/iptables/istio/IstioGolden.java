package dev.outrigger.iptables.istio;

import dev.outrigger.iptables.net.Family;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.List;
import java.util.Map;

/**
 * One istio-iptables golden file read as the rules it installs per family and table. Two formats
 * occur: up to 1.12 a list of commands ("iptables -t nat -A ...", "ip6tables -t mangle -I ..."),
 * later the iptables-restore input for IPv4 then for IPv6 ("* nat" ... "COMMIT"; a table header
 * seen a second time starts IPv6's part).
 */
public final class IstioGolden {
  private final Map<Family, Map<String, List<String>>> commands;

  private IstioGolden(Map<Family, Map<String, List<String>>> commands) {
    this.commands = commands;
  }

  public static IstioGolden load(String resource) {
    try (InputStream in = IstioGolden.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no resource " + resource);
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static IstioGolden parse(String text) {
    Map<Family, Map<String, List<String>>> commands = new EnumMap<>(Family.class);
    Family family = Family.IPV4;
    String table = null;
    Pattern command = Pattern.compile("(ip6?tables) -t (\\S+) (.*)");
    for (String line : text.lines().map(String::trim).toList()) {
      Matcher m = command.matcher(line);
      if (m.matches()) {
        Family of = m.group(1).equals("iptables") ? Family.IPV4 : Family.IPV6;
        commands.computeIfAbsent(of, f -> new LinkedHashMap<>()).computeIfAbsent(m.group(2), t -> new ArrayList<>()).add(m.group(3));
      } else if (line.startsWith("*")) {
        table = line.substring(1).trim();
        if (commands.containsKey(family) && commands.get(family).containsKey(table)) {
          family = Family.IPV6;
        }
        commands.computeIfAbsent(family, f -> new LinkedHashMap<>()).put(table, new ArrayList<>());
      } else if (line.equals("COMMIT")) {
        table = null;
      } else if (table != null && line.startsWith("-")) {
        commands.get(family).get(table).add(line);
      }
    }
    return new IstioGolden(commands);
  }

  public boolean has(Family family) {
    return commands.containsKey(family);
  }

  /** The tables the golden writes for the family. */
  public Set<String> tables(Family family) {
    return commands.get(family).keySet();
  }

  /** The golden's commands for one table, as iptables-restore input for an empty table. */
  public String restore(Family family, String table) {
    return "*" + table + "\n" + String.join("\n", commands.get(family).get(table)) + "\nCOMMIT\n";
  }

  /** The golden's commands for one table played onto empty chains (-N, -A, -I CHAIN n). */
  public NatChains chains(Family family, String table) {
    return NatChains.play(commands.get(family).getOrDefault(table, List.of()));
  }
}
