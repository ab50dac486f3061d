package dev.outrigger.core.route.listener;

import dev.outrigger.core.route.table.RouteTable;
import dev.outrigger.core.route.table.WeightedCluster;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** What a filter chain does with the connections it takes. */
public sealed interface NetworkAction {
  /** Bytes to a cluster, or one of a weighted set (Envoy's tcp_proxy). */
  record TcpProxy(String statPrefix, List<WeightedCluster> clusters, Duration idleTimeout) implements NetworkAction {
    public TcpProxy {
      clusters = List.copyOf(clusters);
    }
  }

  /**
   * HTTP, routed by a route table (Envoy's http_connection_manager): the table named by RDS, or
   * one given inline (istiod's inbound chains).
   */
  record Http(String statPrefix, String rdsName, Optional<RouteTable> inlineRoutes, Duration streamIdleTimeout)
      implements NetworkAction {}
}
