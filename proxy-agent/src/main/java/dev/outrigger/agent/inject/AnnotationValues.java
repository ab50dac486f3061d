package dev.outrigger.agent.inject;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks of annotation values as Istio's validate.go does them; each failure names the annotation. */
final class AnnotationValues {
  private static final Pattern IPV4_CIDR = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})/(\\d{1,2})");
  private static final Pattern IPV6_CIDR = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*/(\\d{1,3})");

  private AnnotationValues() {}

  /** "*" or a comma list of ports. */
  static String portsOrStar(String name, String value) {
    return "*".equals(value.trim()) ? "*" : ports(name, value);
  }

  /** A comma list of ports 1-65535, spaces dropped; "" stays "". */
  static String ports(String name, String value) {
    List<String> out = new ArrayList<>();
    for (String item : items(value)) {
      int port;
      try {
        port = Integer.parseInt(item);
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 1 || port > 65535) {
        throw bad(name, value, "a comma-separated list of ports 1-65535");
      }
      out.add(Integer.toString(port));
    }
    return String.join(",", out);
  }

  /** "*" or a comma list of IPv4/IPv6 CIDRs; "" stays "". */
  static String cidrsOrStar(String name, String value) {
    if ("*".equals(value.trim())) {
      return "*";
    }
    List<String> out = items(value);
    for (String cidr : out) {
      var v4 = IPV4_CIDR.matcher(cidr);
      boolean ok = v4.matches() ? octetsAndPrefix(v4) : validIpv6(cidr);
      if (!ok) {
        throw bad(name, value, "'*' or a comma-separated list of CIDRs such as 10.0.0.0/8");
      }
    }
    return String.join(",", out);
  }

  /** Comma list of interface names. */
  static String interfaces(String name, String value) {
    List<String> out = items(value);
    if (out.stream().anyMatch(i -> !i.matches("[A-Za-z0-9_.@-]{1,15}"))) {
      throw bad(name, value, "a comma-separated list of interface names");
    }
    return String.join(",", out);
  }

  /** Istio's truth test for sidecar.istio.io/inject (YAML 1.1 booleans). */
  static boolean yes(String value) {
    return Set.of("y", "yes", "true", "on").contains(value.trim().toLowerCase(Locale.ROOT));
  }

  static boolean bool(String name, String value) {
    switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true":
        return true;
      case "false":
        return false;
      default:
        throw bad(name, value, "true or false");
    }
  }

  /** The union of port lists in first-seen order: "15090,15021" + "15021,8080" = "15090,15021,8080". */
  static String union(String... lists) {
    Set<String> ports = new LinkedHashSet<>();
    for (String list : lists) {
      ports.addAll(items(list));
    }
    return String.join(",", ports);
  }

  static InjectionException bad(String name, String value, String expected) {
    return new InjectionException("annotation " + name + ": '" + value + "' (expected: " + expected + ")");
  }

  private static List<String> items(String value) {
    List<String> out = new ArrayList<>();
    for (String item : value.split(",")) {
      if (!item.isBlank()) {
        out.add(item.trim());
      }
    }
    return out;
  }

  private static boolean octetsAndPrefix(java.util.regex.Matcher m) {
    for (int i = 1; i <= 4; i++) {
      if (Integer.parseInt(m.group(i)) > 255) {
        return false;
      }
    }
    return Integer.parseInt(m.group(5)) <= 32;
  }

  private static boolean validIpv6(String cidr) {
    var m = IPV6_CIDR.matcher(cidr);
    if (!m.matches() || Integer.parseInt(m.group(1)) > 128) {
      return false;
    }
    try {
      // A literal only (no name lookup): the text has a ':' so it is never taken for a host name.
      return java.net.InetAddress.getByName(cidr.substring(0, cidr.indexOf('/'))) instanceof java.net.Inet6Address;
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }
}
