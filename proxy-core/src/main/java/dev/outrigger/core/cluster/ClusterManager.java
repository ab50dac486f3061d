package dev.outrigger.core.cluster;

import dev.outrigger.core.config.MeshConfig;
import dev.outrigger.core.route.ClusterTarget;
import dev.outrigger.core.route.Upstream;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The clusters' live state beside the configuration snapshot: for each cluster name its load
 * balancer, outlier detector, circuit breaker and per-host counters. The state of a cluster
 * outlives configuration updates (an EDS update changes its hosts, not its ejections or counts).
 */
public final class ClusterManager {
  private final Map<String, ClusterState> states = new ConcurrentHashMap<>();
  private final LoadBalancer.RandomSource random;
  private final UpstreamTransports transports;

  public ClusterManager() {
    this(UpstreamTransports.NONE);
  }

  /** @param transports how mesh endpoints of ISTIO_MUTUAL clusters are connected to */
  public ClusterManager(UpstreamTransports transports) {
    this(bound -> ThreadLocalRandom.current().nextInt(bound), transports);
  }

  public ClusterManager(LoadBalancer.RandomSource random) {
    this(random, UpstreamTransports.NONE);
  }

  public ClusterManager(LoadBalancer.RandomSource random, UpstreamTransports transports) {
    this.random = random;
    this.transports = transports;
  }

  /** What choosing an endpoint in a cluster gave. */
  public sealed interface Choice {
    /** An endpoint, and the cluster for the rest of the request's life. */
    record Chosen(ClusterTarget target, Upstream upstream) implements Choice {}

    /** The configuration has no such cluster (Envoy: 503 NC, cluster_not_found). */
    record NoCluster() implements Choice {}

    /** The cluster has no routable endpoint (Envoy: 503 UH, no_healthy_upstream). */
    record NoHealthyUpstream() implements Choice {}
  }

  /**
   * An endpoint of {@code cluster} for one connection or request.
   *
   * @param originalDestination where the connection itself goes, for ORIGINAL_DST clusters
   *     (Istio's PassthroughCluster and inbound clusters)
   */
  public Choice choose(MeshConfig config, String cluster, Upstream originalDestination) {
    Optional<ClusterSpec> spec = config.cluster(cluster);
    if (spec.isEmpty()) {
      return new Choice.NoCluster();
    }
    if (spec.get().discovery() == ClusterSpec.Discovery.ORIGINAL_DST) {
      return new Choice.Chosen(ClusterTarget.fixed(originalDestination), originalDestination);
    }
    ClusterState existing = states.get(cluster);
    // The map's lock only when the cluster is new or its spec changed, not on every request.
    ClusterState state = existing != null && existing.spec() == spec.get() ? existing
        : states.compute(cluster, (name, current) -> current == null
            ? new ClusterState(spec.get(), random, transports) : current.updatedTo(spec.get()));
    state.hosts(config.endpoints().get(spec.get().edsServiceName()));
    Optional<Upstream> chosen = state.pick();
    return chosen.<Choice>map(u -> new Choice.Chosen(state, u)).orElseGet(Choice.NoHealthyUpstream::new);
  }

  /**
   * The istiod metadata of a host of a cluster that has been used; empty when no such cluster is
   * in use, an empty map when the host is not (or no longer) one of its endpoints.
   */
  public Optional<Map<String, String>> metadata(String cluster, java.net.InetSocketAddress host) {
    ClusterState state = states.get(cluster);
    if (state == null) {
      return Optional.empty();
    }
    return Optional.of(host == null ? Map.of() : state.endpoint(host).map(Endpoint::metadata).orElse(Map.of()));
  }

  /** The live state of every cluster that has been used, for the admin /clusters page. */
  public Map<String, ClusterState> states() {
    return Map.copyOf(states);
  }
}
