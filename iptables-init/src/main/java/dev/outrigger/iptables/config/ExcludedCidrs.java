package dev.outrigger.iptables.config;

import dev.outrigger.iptables.net.Cidr;
import java.util.List;

/**
 * The outbound ranges left alone (-x). One rule, shared by {@code outrigger iptables} and the
 * injector (annotation traffic.sidecar.istio.io/excludeOutboundIPRanges), so a pod the injector
 * writes never carries a value its init container would refuse.
 */
public final class ExcludedCidrs {
  /** istio-iptables panics on "*" here ("Invalid value for OUTBOUND_IP_RANGES_EXCLUDE"); Istio's injector refuses it. */
  public static final String WILDCARD_REFUSED = "'*' cannot be excluded (expected: CIDR list)";

  private ExcludedCidrs() {}

  /** @throws IllegalArgumentException with {@link #WILDCARD_REFUSED} for "*" */
  public static void checkNotWildcard(String text) {
    if (text != null && text.trim().equals("*")) {
      throw new IllegalArgumentException(WILDCARD_REFUSED);
    }
  }

  public static List<Cidr> parse(String text) {
    checkNotWildcard(text);
    return Cidr.parseList(text);
  }
}
