package dev.outrigger.core.route.table;

/** One cluster of a route's split and its share (Envoy's weighted_clusters entry). */
public record WeightedCluster(String name, int weight) {
  public WeightedCluster {
    if (weight < 0) {
      throw new IllegalArgumentException("weight of " + name + ": " + weight + " (expected: >= 0)");
    }
  }
}
