package dev.outrigger.core.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * An upstream cluster, as CDS describes it: how its hosts are found and balanced, and its limits.
 *
 * @param endpoints the hosts named in the cluster itself (STATIC and DNS clusters); EDS clusters
 *     get theirs from an {@link EndpointSet}
 * @param outlierDetection absent when the cluster has none
 * @param istioMutual the mTLS istiod offers to endpoints with {@code tlsMode=istio} (a transport
 *     socket match, auto mTLS), absent when it offers none
 * @param edsServiceName the name its endpoints come under in EDS (Istio: the cluster's own name)
 * @param upstreamBind the local address its connections to its endpoints bind (istiod: 127.0.0.6
 *     on an inbound cluster whose endpoint is the pod IP); not used by ORIGINAL_DST clusters,
 *     whose inbound endpoint and bind the inbound mode decides
 */
public record ClusterSpec(String name, Discovery discovery, LbPolicy lbPolicy, Duration connectTimeout,
    CircuitBreakers circuitBreakers, Optional<OutlierDetection> outlierDetection, List<Endpoint> endpoints,
    Optional<UpstreamTlsSpec> istioMutual, String edsServiceName, UpstreamBindConfig upstreamBind) {
  /** How the cluster's hosts are known. */
  public enum Discovery {
    /** From EDS (Istio's services). */
    EDS,
    /** The connection's own original destination (Istio's PassthroughCluster, inbound passthrough). */
    ORIGINAL_DST,
    /** Listed in the cluster (Istio's BlackHoleCluster: none). */
    STATIC,
    /** Host names in the cluster, resolved by DNS (ServiceEntries with resolution DNS). */
    DNS
  }

  /** Envoy's load-balancing policies that Istio configures. */
  public enum LbPolicy { ROUND_ROBIN, LEAST_REQUEST, RANDOM }

  /** Envoy's connect timeout when a cluster names none. */
  public static final Duration ENVOY_DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  public ClusterSpec {
    endpoints = List.copyOf(endpoints);
    java.util.Objects.requireNonNull(upstreamBind, "upstreamBind");
  }

  /** A cluster whose connections bind no local address. */
  public ClusterSpec(String name, Discovery discovery, LbPolicy lbPolicy, Duration connectTimeout,
      CircuitBreakers circuitBreakers, Optional<OutlierDetection> outlierDetection, List<Endpoint> endpoints,
      Optional<UpstreamTlsSpec> istioMutual, String edsServiceName) {
    this(name, discovery, lbPolicy, connectTimeout, circuitBreakers, outlierDetection, endpoints, istioMutual,
        edsServiceName, UpstreamBindConfig.NONE);
  }

  /** Whether istiod offers mTLS to endpoints with {@code tlsMode=istio}. */
  public boolean istioMutualAvailable() {
    return istioMutual.isPresent();
  }

  /** Whether connections to {@code endpoint} use ISTIO_MUTUAL: the cluster offers it and the endpoint has a sidecar. */
  public Optional<UpstreamTlsSpec> tlsFor(Endpoint endpoint) {
    return "istio".equals(endpoint.metadata().get("tlsMode")) ? istioMutual : Optional.empty();
  }
}
