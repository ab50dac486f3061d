package dev.outrigger.core.config;

import dev.outrigger.core.cluster.ClusterSpec;
import dev.outrigger.core.cluster.EndpointSet;
import dev.outrigger.core.route.listener.ListenerTable;
import dev.outrigger.core.route.table.RouteTable;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The mesh as the control plane describes it to this proxy, at one moment: listeners, route
 * tables, clusters and their endpoints. Immutable; a new one replaces it whole, so a connection
 * that read it sees one consistent version.
 */
public record MeshConfig(ListenerTable listeners, Map<String, RouteTable> routes, Map<String, ClusterSpec> clusters,
    Map<String, EndpointSet> endpoints) {
  /** What the proxy has before a control plane said anything: nothing, so every connection passes through. */
  public static final MeshConfig EMPTY = new MeshConfig(new ListenerTable(List.of()), Map.of(), Map.of(), Map.of());

  public MeshConfig {
    routes = Map.copyOf(routes);
    clusters = Map.copyOf(clusters);
    endpoints = Map.copyOf(endpoints);
  }

  /** Whether a control plane has sent listeners: until then, traffic passes through as without one. */
  public boolean hasListeners() {
    return !listeners.listeners().isEmpty();
  }

  public Optional<RouteTable> route(String name) {
    return Optional.ofNullable(routes.get(name));
  }

  public Optional<ClusterSpec> cluster(String name) {
    return Optional.ofNullable(clusters.get(name));
  }

  public MeshConfig withListeners(ListenerTable l) {
    return new MeshConfig(l, routes, clusters, endpoints);
  }

  public MeshConfig withRoutes(Map<String, RouteTable> r) {
    return new MeshConfig(listeners, r, clusters, endpoints);
  }

  public MeshConfig withClusters(Map<String, ClusterSpec> c) {
    return new MeshConfig(listeners, routes, c, endpoints);
  }

  public MeshConfig withEndpoints(Map<String, EndpointSet> e) {
    return new MeshConfig(listeners, routes, clusters, e);
  }
}
