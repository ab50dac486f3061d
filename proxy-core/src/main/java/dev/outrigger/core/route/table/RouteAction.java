package dev.outrigger.core.route.table;

import java.util.List;

/** What a route does with a request: send it to a cluster of a weighted split, or answer it itself. */
public sealed interface RouteAction {
  /** To one of these clusters, by weight (Envoy's cluster / weighted_clusters). */
  record Forward(List<WeightedCluster> clusters) implements RouteAction {
    public Forward {
      clusters = List.copyOf(clusters);
      if (clusters.isEmpty() || clusters.stream().mapToInt(WeightedCluster::weight).sum() <= 0) {
        throw new IllegalArgumentException("clusters " + clusters + " (expected: at least one with weight > 0)");
      }
    }

    public int totalWeight() {
      return clusters.stream().mapToInt(WeightedCluster::weight).sum();
    }

    /** The cluster for a request, by weight: {@code draw} is uniform in [0, total weight). */
    public String pick(int draw) {
      return WeightedCluster.pick(clusters, draw);
    }
  }

  /** Answered by the proxy (Envoy's direct_response; istiod's block_all host for REGISTRY_ONLY: 502). */
  record Respond(int status, String body) implements RouteAction {}
}
