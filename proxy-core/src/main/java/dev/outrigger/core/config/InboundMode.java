package dev.outrigger.core.config;

import java.util.Locale;

/** How inbound connections are handed to the app: the Istio 1.10 change seen in seeds 000 and 004. */
public enum InboundMode {
  /**
   * Istio ≥ 1.10 (meshConfig inboundTrafficPolicy PASSTHROUGH): bind 127.0.0.6 (::6) and connect to
   * the original pod IP and port, so the app sees its own address as local and 127.0.0.6 as peer.
   */
  PRESERVE,
  /** Istio ≤ 1.9 (inboundTrafficPolicy LOCALHOST): connect to 127.0.0.1 (::1) on the original port. */
  LOOPBACK;

  public static final String ACCEPTED = "preserve, loopback (or Istio's PASSTHROUGH, LOCALHOST)";

  /** Parses our names and Istio's, case-insensitively. */
  public static InboundMode parse(String value) {
    switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "preserve":
      case "passthrough":
        return PRESERVE;
      case "loopback":
      case "localhost":
        return LOOPBACK;
      default:
        throw new IllegalArgumentException("'" + value + "' (expected: " + ACCEPTED + ")");
    }
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
