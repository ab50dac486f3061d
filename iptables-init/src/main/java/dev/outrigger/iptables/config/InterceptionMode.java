package dev.outrigger.iptables.config;

import java.util.Locale;

/** How inbound connections reach the proxy: NAT REDIRECT, or TPROXY which keeps the original destination. */
public enum InterceptionMode {
  REDIRECT,
  TPROXY;

  /** istio-iptables treats an empty mode as REDIRECT (anything but "TPROXY" builds nat rules). */
  public static InterceptionMode parse(String text) {
    String trimmed = text.trim();
    if (trimmed.isEmpty()) {
      return REDIRECT;
    }
    try {
      return valueOf(trimmed.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + text + "' is not an interception mode (expected: REDIRECT or TPROXY)");
    }
  }
}
