package dev.outrigger.iptables.istio;

import dev.outrigger.iptables.net.Family;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One istio-iptables golden file read as the nat rules it installs per family. Two formats occur:
 * up to 1.12 a list of commands ("iptables -t nat -A ...", "ip6tables -t nat -I ..."), later the
 * iptables-restore input for IPv4 then for IPv6 ("* nat" ... "COMMIT", a second "* nat" being
 * IPv6's). Only the nat table is read: the cases we support write no other.
 */
public final class IstioGolden {
  private final Map<Family, List<String>> natCommands;

  private IstioGolden(Map<Family, List<String>> natCommands) {
    this.natCommands = natCommands;
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
    Map<Family, List<String>> commands = new EnumMap<>(Family.class);
    Family restoreFamily = null;
    boolean inNat = false;
    for (String line : text.lines().map(String::trim).toList()) {
      if (line.startsWith("iptables -t nat ")) {
        commands.computeIfAbsent(Family.IPV4, f -> new ArrayList<>()).add(line.substring("iptables -t nat ".length()));
      } else if (line.startsWith("ip6tables -t nat ")) {
        commands.computeIfAbsent(Family.IPV6, f -> new ArrayList<>()).add(line.substring("ip6tables -t nat ".length()));
      } else if (line.equals("* nat") || line.equals("*nat")) {
        restoreFamily = restoreFamily == null ? Family.IPV4 : Family.IPV6;
        commands.put(restoreFamily, new ArrayList<>());
        inNat = true;
      } else if (line.equals("COMMIT")) {
        inNat = false;
      } else if (inNat && line.startsWith("-")) {
        commands.get(restoreFamily).add(line);
      }
    }
    return new IstioGolden(commands);
  }

  public boolean has(Family family) {
    return natCommands.containsKey(family);
  }

  /** The golden's nat commands for the family, as iptables-restore input for an empty table. */
  public String natRestore(Family family) {
    return "*nat\n" + String.join("\n", natCommands.get(family)) + "\nCOMMIT\n";
  }

  /** The golden's nat commands played onto empty chains (-N, -A, -I CHAIN n). */
  public NatChains chains(Family family) {
    return NatChains.play(natCommands.get(family));
  }
}
