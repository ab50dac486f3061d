package dev.outrigger.core.tls;

import java.util.Locale;

/**
 * What the inbound side accepts when istiod does not say (Istio's PeerAuthentication
 * {@code mtls.mode}): with istiod, its inbound listener's filter chains express the mode instead.
 */
public enum PeerAuthenticationMode {
  /** Plaintext only: every connection goes to the app as it came (TLS too, untouched). */
  DISABLE,
  /** Istio's default: mTLS from mesh clients (an Istio ALPN) is terminated, plaintext is served. */
  PERMISSIVE,
  /** Only mTLS: plaintext connections are closed, as Envoy closes one that no filter chain takes. */
  STRICT;

  public static PeerAuthenticationMode parse(String raw) {
    try {
      return valueOf(raw.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + raw + "' (expected: STRICT, PERMISSIVE or DISABLE)");
    }
  }
}
