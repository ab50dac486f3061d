package dev.outrigger.iptables.istio;

import dev.outrigger.iptables.net.Cidr;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Chains after playing iptables commands onto an empty table, each rule in a canonical form so
 * that istio-iptables' spelling ("-o lo -s 127.0.0.6/32", "-p tcp --dport 80") and the kernel's
 * listing ("-s 127.0.0.6/32 -o lo", "-p tcp -m tcp --dport 80") compare equal: the implicit
 * "-m tcp"/"-m udp" dropped and the match options (each with its "!" and value) sorted; the target
 * and its options stay as written. The order of rules within a chain is kept and compared.
 */
public record NatChains(Map<String, List<String>> chains) {

  public static NatChains play(List<String> commands) {
    Map<String, List<String>> chains = new TreeMap<>();
    for (String command : commands) {
      String[] words = command.split(" ", 3);
      switch (words[0]) {
        case "-N" -> chains.computeIfAbsent(words[1], c -> new ArrayList<>());
        case "-P" -> { }
        case "-A" -> chains.computeIfAbsent(words[1], c -> new ArrayList<>()).add(canonical(words[2]));
        case "-I" -> {
          String[] rest = words[2].split(" ", 2);
          int position = Integer.parseInt(rest[0]);
          chains.computeIfAbsent(words[1], c -> new ArrayList<>()).add(position - 1, canonical(rest[1]));
        }
        default -> throw new IllegalArgumentException("unexpected command: " + command);
      }
    }
    return new NatChains(chains);
  }

  /** Builtin chains with no rules are left out: they exist in every table whatever was played. */
  public NatChains withoutEmptyBuiltins() {
    Map<String, List<String>> kept = new LinkedHashMap<>();
    chains.forEach((chain, rules) -> {
      if (!rules.isEmpty() || chain.startsWith("ISTIO_")) {
        kept.put(chain, rules);
      }
    });
    return new NatChains(kept);
  }

  static String canonical(String spec) {
    int jump = spec.indexOf("-j ");
    String matches = jump < 0 ? spec : spec.substring(0, jump);
    String target = jump < 0 ? "" : spec.substring(jump);
    List<String> words = new ArrayList<>(Arrays.asList(matches.trim().split("\\s+")));
    words.removeIf(String::isEmpty);
    List<String> units = new ArrayList<>();
    for (int i = 0; i < words.size(); ) {
      StringBuilder unit = new StringBuilder();
      if (words.get(i).equals("!")) {
        unit.append("! ");
        i++;
      }
      unit.append(words.get(i++));
      while (i < words.size() && !words.get(i).startsWith("-") && !words.get(i).equals("!")) {
        unit.append(' ').append(words.get(i++));
      }
      units.add(unit.toString());
    }
    units.removeIf(u -> u.equals("-m tcp") || u.equals("-m udp"));
    // The kernel lists a range by its network address: "-d 127.0.0.1/8" comes back as 127.0.0.0/8.
    units.replaceAll(u -> u.matches("(! )?-[sd] \\S+/\\d+") ? u.substring(0, u.lastIndexOf(' ') + 1)
        + Cidr.parse(u.substring(u.lastIndexOf(' ') + 1)) : u);
    units.replaceAll(NatChains::hexMark);
    units.sort(null);
    return String.join(" ", units) + (units.isEmpty() ? "" : " ") + canonicalTarget(target.trim());
  }

  /**
   * The target with its options in the form the kernel lists: marks in hex, "--set-mark N" as
   * "--set-xmark 0xN/0xffffffff", the default masks and TPROXY's default --on-ip left out (istio-iptables
   * omits them, iptables -S prints them), the options sorted.
   */
  static String canonicalTarget(String target) {
    if (target.isEmpty()) {
      return target;
    }
    // "--to-port" is istio-iptables' abbreviation (getopt takes any unique prefix) of REDIRECT's --to-ports.
    // The quotes of istio-iptables' --nflog-prefix "JumpOutbound" are the shell's (iptables-restore drops them).
    target = target.replace("--to-port ", "--to-ports ").replace("\"", "");
    List<String> words = new ArrayList<>(Arrays.asList(target.split("\\s+")));
    String jump = words.remove(0) + " " + words.remove(0);
    List<String> options = new ArrayList<>();
    for (int i = 0; i < words.size(); ) {
      StringBuilder option = new StringBuilder(words.get(i++));
      while (i < words.size() && !words.get(i).startsWith("--")) {
        option.append(' ').append(words.get(i++));
      }
      options.add(option.toString());
    }
    options.replaceAll(o -> o.startsWith("--set-mark ") && !o.contains("/") ? "--set-xmark " + o.substring(11) + "/0xffffffff" : o);
    options.replaceAll(NatChains::hexMark);
    options.removeIf(o -> List.of("--on-ip 0.0.0.0", "--on-ip ::", "--nfmask 0xffffffff", "--ctmask 0xffffffff").contains(o));
    options.sort(null);
    return options.isEmpty() ? jump : jump + " " + String.join(" ", options);
  }

  /** "--mark 1337" → "--mark 0x539" (also "--set-xmark" and "--tproxy-mark", with or without a mask). */
  private static String hexMark(String unit) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("((?:! )?--(?:mark|set-xmark|tproxy-mark)) (\\d+)(/\\S+)?").matcher(unit);
    if (!m.matches()) {
      return unit;
    }
    return m.group(1) + " 0x" + Long.toHexString(Long.parseLong(m.group(2))) + (m.group(3) == null ? "" : m.group(3));
  }
}
