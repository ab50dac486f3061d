package dev.outrigger.agent;

import dev.outrigger.core.cluster.Endpoint;
import java.util.Map;

/**
 * Per-host counters and gauges for /clusters (Envoy's cx_active, cx_connect_fail, rq_total, ...),
 * by name. The data path does not count per host yet; until it does, {@link #NONE} lists none.
 */
@FunctionalInterface
interface HostStats {
  HostStats NONE = (cluster, endpoint) -> Map.of();

  /** The host's stats, sorted or not; /clusters sorts them by name as Envoy does. */
  Map<String, Long> of(String cluster, Endpoint endpoint);
}
