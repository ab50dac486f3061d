package dev.outrigger.core.cluster;

import dev.outrigger.core.route.UpstreamTransport;

/**
 * Turns a cluster's ISTIO_MUTUAL spec into the transport of its connections to mesh endpoints. The
 * proxy serves istiod's SDS names from its one certificate source; {@link #NONE} (no identity
 * configured) keeps every connection plaintext.
 */
public interface UpstreamTransports {
  /** No mesh identity: plaintext to every endpoint, as before mTLS existed here. */
  UpstreamTransports NONE = spec -> UpstreamTransport.PLAINTEXT;

  UpstreamTransport istioMutual(UpstreamTlsSpec spec);
}
