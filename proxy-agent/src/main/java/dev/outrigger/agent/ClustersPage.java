package dev.outrigger.agent;

import dev.outrigger.core.cluster.CircuitBreakers;
import dev.outrigger.core.cluster.ClusterSpec;
import dev.outrigger.core.cluster.Endpoint;
import dev.outrigger.core.cluster.EndpointSet;
import dev.outrigger.core.config.MeshConfig;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Envoy's {@code /clusters} (source/server/admin/clusters_handler.cc) from the mesh configuration:
 * per cluster its observability name, circuit breakers, added_via_api, and per host its stats,
 * health flags, weight and locality, one {@code cluster::host::field::value} a line; or, with
 * {@code ?format=json}, the admin.v3.Clusters layout.
 */
final class ClustersPage {
  /** Envoy's high-priority thresholds when a cluster names none (Istio sets none). */
  private static final CircuitBreakers ENVOY_HIGH_PRIORITY = CircuitBreakers.ENVOY_DEFAULTS;

  private ClustersPage() {}

  static String text(MeshConfig mesh, HostStats stats) {
    StringBuilder out = new StringBuilder();
    for (ClusterSpec c : sorted(mesh)) {
      String name = c.name();
      line(out, name, "observability_name", name);
      thresholds(out, name, "default", c.circuitBreakers());
      thresholds(out, name, "high", ENVOY_HIGH_PRIORITY);
      line(out, name, "added_via_api", "true");
      for (Endpoint e : hosts(mesh, c)) {
        String host = name + "::" + address(e.address());
        new TreeMap<>(stats.of(name, e)).forEach((stat, value) -> line(out, host, stat, String.valueOf(value)));
        String[] locality = locality(e.locality());
        line(out, host, "hostname", "");
        line(out, host, "health_flags", healthFlags(e.health()));
        line(out, host, "weight", String.valueOf(e.weight()));
        line(out, host, "region", locality[0]);
        line(out, host, "zone", locality[1]);
        line(out, host, "sub_zone", locality[2]);
        line(out, host, "canary", "false");
        line(out, host, "priority", "0");
        line(out, host, "success_rate", "-1");
        line(out, host, "local_origin_success_rate", "-1");
      }
    }
    return out.toString();
  }

  /** admin.v3.Clusters as JSON-ready maps: cluster_statuses[] with host_statuses[]. */
  static Map<String, Object> json(MeshConfig mesh, HostStats stats) {
    List<Object> clusters = new ArrayList<>();
    for (ClusterSpec c : sorted(mesh)) {
      Map<String, Object> cluster = new LinkedHashMap<>();
      cluster.put("name", c.name());
      cluster.put("observability_name", c.name());
      cluster.put("added_via_api", true);
      cluster.put("circuit_breakers", Map.of("thresholds", List.of(
          thresholds("DEFAULT", c.circuitBreakers()), thresholds("HIGH", ENVOY_HIGH_PRIORITY))));
      List<Object> hosts = new ArrayList<>();
      for (Endpoint e : hosts(mesh, c)) {
        Map<String, Object> host = new LinkedHashMap<>();
        host.put("address", Map.of("socket_address", Map.of(
            "address", ip(e.address()),
            "port_value", e.address().getPort())));
        List<Object> hostStats = new ArrayList<>();
        new TreeMap<>(stats.of(c.name(), e)).forEach((stat, value) -> hostStats.add(Map.of("name", stat, "value", value)));
        host.put("stats", hostStats);
        host.put("health_status", Map.of("eds_health_status", edsHealth(e.health())));
        host.put("weight", e.weight());
        String[] locality = locality(e.locality());
        host.put("locality", Map.of("region", locality[0], "zone", locality[1], "sub_zone", locality[2]));
        hosts.add(host);
      }
      cluster.put("host_statuses", hosts);
      clusters.add(cluster);
    }
    return Map.of("cluster_statuses", clusters);
  }

  private static List<ClusterSpec> sorted(MeshConfig mesh) {
    return new TreeMap<>(mesh.clusters()).values().stream().toList();
  }

  /** EDS clusters' hosts come from their endpoint set (istiod names it as the cluster); others list their own. */
  private static List<Endpoint> hosts(MeshConfig mesh, ClusterSpec c) {
    if (c.discovery() == ClusterSpec.Discovery.EDS) {
      EndpointSet set = mesh.endpoints().get(c.edsServiceName());
      return set == null ? List.of() : set.endpoints();
    }
    return c.endpoints();
  }

  /**
   * Envoy's health flags as text (HostUtility::healthFlagsToString): "healthy" when none is set;
   * EDS's UNHEALTHY, DRAINING and TIMEOUT set failed_eds_health, DEGRADED degraded_eds_health.
   */
  static String healthFlags(Endpoint.Health health) {
    return switch (health) {
      case UNKNOWN, HEALTHY -> "healthy";
      case UNHEALTHY, DRAINING, TIMEOUT -> "/failed_eds_health";
      case DEGRADED -> "/degraded_eds_health";
    };
  }

  /** What Envoy's admin reports as a host's EDS health (setHealthFlag): one of three. */
  private static String edsHealth(Endpoint.Health health) {
    return switch (health) {
      case UNKNOWN, HEALTHY -> "HEALTHY";
      case UNHEALTHY, DRAINING, TIMEOUT -> "UNHEALTHY";
      case DEGRADED -> "DEGRADED";
    };
  }

  /** Envoy's address text: ip:port, IPv6 compressed (RFC 5952) in brackets. */
  static String address(InetSocketAddress a) {
    String host = ip(a);
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  private static String ip(InetSocketAddress a) {
    InetAddress ip = a.getAddress();
    return ip == null ? a.getHostString() : NetUtil.toAddressString(ip);
  }

  private static String[] locality(String locality) {
    String[] parts = (locality == null ? "" : locality).split("/", -1);
    String[] out = {"", "", ""};
    for (int i = 0; i < Math.min(3, parts.length); i++) {
      out[i] = parts[i];
    }
    return out;
  }

  private static void thresholds(StringBuilder out, String cluster, String priority, CircuitBreakers cb) {
    line(out, cluster, priority + "_priority::max_connections", String.valueOf(cb.maxConnections()));
    line(out, cluster, priority + "_priority::max_pending_requests", String.valueOf(cb.maxPendingRequests()));
    line(out, cluster, priority + "_priority::max_requests", String.valueOf(cb.maxRequests()));
    line(out, cluster, priority + "_priority::max_retries", String.valueOf(cb.maxRetries()));
  }

  private static Map<String, Object> thresholds(String priority, CircuitBreakers cb) {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("priority", priority);
    t.put("max_connections", cb.maxConnections());
    t.put("max_pending_requests", cb.maxPendingRequests());
    t.put("max_requests", cb.maxRequests());
    t.put("max_retries", cb.maxRetries());
    return t;
  }

  private static void line(StringBuilder out, String prefix, String field, String value) {
    out.append(prefix).append("::").append(field).append("::").append(value).append('\n');
  }
}
