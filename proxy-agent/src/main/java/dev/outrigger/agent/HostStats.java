package dev.outrigger.agent;

import dev.outrigger.core.cluster.ClusterManager;
import dev.outrigger.core.cluster.ClusterState;
import dev.outrigger.core.cluster.Endpoint;
import java.util.LinkedHashMap;
import java.util.Map;

/** Per-host counters and gauges for /clusters, under Envoy's host stat names. */
@FunctionalInterface
interface HostStats {
  HostStats NONE = (cluster, endpoint) -> Map.of();

  /** The host's stats, sorted or not; /clusters sorts them by name as Envoy does. */
  Map<String, Long> of(String cluster, Endpoint endpoint);

  /** What the data path counted per host (a cluster not used yet has none). */
  static HostStats of(ClusterManager clusters) {
    return (cluster, endpoint) -> {
      ClusterState state = clusters.states().get(cluster);
      if (state == null) {
        return Map.of();
      }
      ClusterState.HostStats s = state.stats(endpoint.address());
      Map<String, Long> out = new LinkedHashMap<>();
      out.put("rq_total", s.requests.sum());
      out.put("rq_active", s.active.sum());
      out.put("rq_error", s.errors.sum());
      out.put("cx_connect_fail", s.connectFailures.sum());
      return out;
    };
  }
}
