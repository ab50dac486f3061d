package dev.outrigger.core.config;

import java.util.Locale;

/**
 * How captured inbound connections reach the proxy (Istio's ProxyConfig interceptionMode, which the
 * injector passes to the sidecar as ISTIO_META_INTERCEPTION_MODE). Outbound capture is nat REDIRECT
 * in every mode, as in istio-iptables.
 */
public enum InterceptionMode {
  /**
   * nat REDIRECT: the accepted socket's local address is the proxy's own (:15006) and the original
   * destination comes from conntrack (SO_ORIGINAL_DST).
   */
  REDIRECT,
  /**
   * mangle TPROXY: the inbound listener is transparent (IP_TRANSPARENT), the accepted socket's local
   * address is the original destination, and the connection to the app is made from the client's own
   * address (IP_TRANSPARENT, SO_MARK 1337) so that the app sees the real client.
   */
  TPROXY;

  public static final String ACCEPTED = "REDIRECT, TPROXY or NONE";

  /**
   * Parses Istio's names, case-insensitively. NONE (no capture at all) gives the REDIRECT data path:
   * nothing is steered to the listeners, so how they would treat a connection does not matter.
   */
  public static InterceptionMode parse(String value) {
    switch (value.trim().toUpperCase(Locale.ROOT)) {
      case "REDIRECT":
      case "NONE":
        return REDIRECT;
      case "TPROXY":
        return TPROXY;
      default:
        throw new IllegalArgumentException("'" + value + "' (expected: " + ACCEPTED + ")");
    }
  }

  public String label() {
    return name();
  }
}
