package dev.outrigger.core.cluster;

import java.net.InetSocketAddress;
import java.util.Map;

/**
 * One upstream host of a cluster, as EDS describes it.
 *
 * @param weight its share in load balancing (Envoy's load_balancing_weight, default 1)
 * @param locality region/zone/subzone, for the access log and locality-aware balancing
 * @param metadata what istiod says of it: {@code tlsMode} ("istio" when it has a sidecar that
 *     takes mTLS), {@code workload} (name;namespace;canonical name;revision;cluster)
 */
public record Endpoint(InetSocketAddress address, int weight, Health health, String locality, Map<String, String> metadata) {
  /** Envoy's health statuses; UNKNOWN counts as healthy, as in Envoy. */
  public enum Health {
    UNKNOWN, HEALTHY, UNHEALTHY, DRAINING, TIMEOUT, DEGRADED;

    public boolean routable() {
      return this == UNKNOWN || this == HEALTHY || this == DEGRADED;
    }
  }

  public Endpoint {
    if (weight < 1) {
      throw new IllegalArgumentException("endpoint " + address + ": weight " + weight + " (expected: >= 1)");
    }
    metadata = Map.copyOf(metadata);
  }
}
