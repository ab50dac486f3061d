package dev.outrigger.core.route.table;

/** One cluster of a route's split and its share (Envoy's weighted_clusters entry). */
public record WeightedCluster(String name, int weight) {
  /** The cluster a uniform {@code draw} in [0, total weight) lands on; the last one past the end. */
  public static String pick(java.util.List<WeightedCluster> clusters, int draw) {
    int left = draw;
    for (WeightedCluster c : clusters) {
      left -= c.weight();
      if (left < 0) {
        return c.name();
      }
    }
    return clusters.get(clusters.size() - 1).name();
  }

  public WeightedCluster {
    if (weight < 0) {
      throw new IllegalArgumentException("weight of " + name + ": " + weight + " (expected: >= 0)");
    }
  }
}
