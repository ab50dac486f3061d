package dev.outrigger.core.net;

import java.util.Locale;

/**
 * The host part of an HTTP authority (Host or :authority), one rule for every place that needs
 * it: route matching, outbound cluster names and telemetry labels.
 */
public final class Authority {
  private Authority() {}

  /**
   * Envoy's stripPortFromHost: a trailing numeric port goes, IPv6 brackets stay, anything else is
   * left as it is ("reviews:http" is not a host with a port).
   */
  public static String withoutPort(String authority) {
    int colon = authority.lastIndexOf(':');
    if (colon < 0 || colon == authority.length() - 1 || authority.lastIndexOf(']') > colon) {
      return authority;
    }
    for (int i = colon + 1; i < authority.length(); i++) {
      if (!Character.isDigit(authority.charAt(i))) {
        return authority;
      }
    }
    // A bare IPv6 address has colons but no brackets: its last group is not a port.
    return authority.indexOf(':') != colon && !authority.startsWith("[") ? authority : authority.substring(0, colon);
  }

  /** The bare host: trimmed, without the port, IPv6 brackets removed, lower case (names are case-insensitive). */
  public static String host(String authority) {
    String host = withoutPort(authority.trim());
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return host.toLowerCase(Locale.ROOT);
  }
}
