package dev.outrigger.core.tls;

import dev.outrigger.core.cluster.UpstreamTlsSpec;
import dev.outrigger.core.cluster.UpstreamTransports;
import dev.outrigger.core.route.UpstreamTransport;

/**
 * ISTIO_MUTUAL transports from this workload's identity: istiod's SDS secrets "default" (the
 * workload certificate) and "ROOTCA" (the mesh roots) are both served from the one
 * {@link TlsContexts}, so no SDS server is needed.
 */
public record MeshUpstreamTransports(TlsContexts contexts) implements UpstreamTransports {
  @Override
  public UpstreamTransport istioMutual(UpstreamTlsSpec spec) {
    return new MeshTlsTransport(contexts, spec.sni(), new ClientTlsPolicy(spec.alpn(), spec.subjectAltNames()));
  }
}
