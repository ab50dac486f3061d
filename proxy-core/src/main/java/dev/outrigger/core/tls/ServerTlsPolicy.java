package dev.outrigger.core.tls;

import java.util.List;

/**
 * What an inbound mesh listener accepts (Istio's DownstreamTlsContext): the ALPN protocols it may
 * select, whether a client certificate is required, and the client identities accepted (empty:
 * any identity of the mesh, as Istio leaves authorization to its RBAC filter).
 */
public record ServerTlsPolicy(List<String> alpn, boolean requireClientCertificate, List<String> acceptedSans) {
  public ServerTlsPolicy {
    alpn = List.copyOf(alpn);
    acceptedSans = List.copyOf(acceptedSans);
  }
}
