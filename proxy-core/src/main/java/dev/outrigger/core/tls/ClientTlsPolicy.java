package dev.outrigger.core.tls;

import java.util.List;

/**
 * What an outbound mesh connection offers and accepts (Istio's ISTIO_MUTUAL UpstreamTlsContext):
 * the ALPN protocols offered, in order, and the SPIFFE identities the server may have.
 */
public record ClientTlsPolicy(List<String> alpn, List<String> acceptedSans) {
  public ClientTlsPolicy {
    alpn = List.copyOf(alpn);
    acceptedSans = List.copyOf(acceptedSans);
  }
}
