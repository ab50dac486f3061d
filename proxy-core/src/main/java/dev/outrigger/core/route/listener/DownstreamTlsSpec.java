package dev.outrigger.core.route.listener;

import java.util.List;

/**
 * A filter chain's DownstreamTlsContext, as istiod writes it on its mTLS inbound chains (matched
 * on transport_protocol tls and Istio's ALPNs): whether a client certificate is required, the ALPN
 * protocols the server may select, and the SDS names of its certificate ("default") and of the
 * roots clients are verified against ("ROOTCA"), both served from this workload's identity.
 */
public record DownstreamTlsSpec(boolean requireClientCertificate, List<String> alpn, String certificateSecret,
    String validationSecret) {
  public DownstreamTlsSpec {
    alpn = List.copyOf(alpn);
  }
}
