package dev.outrigger.core.cluster;

import java.util.List;
import java.util.Optional;
import java.util.function.ToIntFunction;

/**
 * Chooses a host of a cluster for one request or connection. Implementations keep per-cluster
 * state (a position, counts) and are used from one event loop each.
 */
public interface LoadBalancer {
  /**
   * @param hosts the cluster's routable hosts now (healthy, not ejected)
   * @return empty when there is none (Envoy: 503 UH, no healthy upstream)
   */
  Optional<Endpoint> choose(List<Endpoint> hosts);

  static LoadBalancer of(ClusterSpec.LbPolicy policy, ToIntFunction<Endpoint> activeRequests, RandomSource random) {
    return switch (policy) {
      case ROUND_ROBIN -> new RoundRobin();
      case LEAST_REQUEST -> new LeastRequest(activeRequests, random);
      case RANDOM -> new WeightedRandom(random);
    };
  }

  /** A source of uniform random ints in [0, bound): injectable, so tests are exact. */
  @FunctionalInterface
  interface RandomSource {
    int nextInt(int bound);
  }
}
