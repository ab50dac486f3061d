package dev.outrigger.iptables.config;

import dev.outrigger.iptables.net.Cidr;
import dev.outrigger.iptables.net.Family;

/**
 * ISTIO_OUTBOUND_IPV4_LOOPBACK_CIDR (env only, Istio 1.14 on): the IPv4 loopback range that counts
 * as "this pod's localhost" in ISTIO_OUTPUT (default 127.0.0.1/32). istio-iptables refuses anything
 * but an IPv4 loopback range with a mask of 8 to 32 bits.
 */
public final class LoopbackCidr {
  public static final String ENV = "ISTIO_OUTBOUND_IPV4_LOOPBACK_CIDR";

  private LoopbackCidr() {}

  /** @param text null or "" means the default, 127.0.0.1/32 */
  public static Cidr parse(String text) {
    if (text == null || text.isBlank()) {
      return Family.IPV4.loopback();
    }
    Cidr cidr = Cidr.parse(text);
    // The mask first: a short one would move the network out of 127/8 and hide the real problem.
    if (cidr.prefixLength() < 8) {
      throw new IllegalArgumentException("'" + text + "' has a mask shorter than 8 bits (expected: 8-32)");
    }
    if (cidr.family() != Family.IPV4 || !cidr.isLoopback()) {
      throw new IllegalArgumentException("'" + text + "' is not an IPv4 loopback range (expected e.g. 127.0.0.1/32)");
    }
    return cidr;
  }
}
