package dev.outrigger.agent;

import dev.outrigger.core.cluster.ClusterSpec;
import dev.outrigger.core.config.MeshConfig;
import dev.outrigger.core.route.listener.NetworkAction;
import dev.outrigger.xds.ResourceType;
import dev.outrigger.xds.XdsListener;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The xDS connection's counters, under Envoy's names where Envoy has them: the control plane's
 * {@code control_plane.connected_state}, and per subscription {@code update_attempt},
 * {@code update_success}, {@code update_rejected}, {@code update_failure} and {@code version_text}
 * under {@code listener_manager.lds.} and {@code cluster_manager.cds.} (Envoy's scopes). Envoy
 * counts RDS per route configuration and EDS per cluster; here each is one subscription, under
 * {@code outrigger.xds.rds.} and {@code outrigger.xds.eds.}; istiod's name table (NDS) under
 * {@code outrigger.xds.nds.}. Readiness reads them as pilot-agent
 * reads Envoy's (see {@link #initialConfigApplied}).
 */
final class XdsStats implements XdsListener {
  private static final Logger log = LoggerFactory.getLogger(XdsStats.class);
  private final AtomicLong connected = new AtomicLong();
  private final AtomicLong connects = new AtomicLong();
  private final AtomicLong disconnects = new AtomicLong();
  private final Map<ResourceType, Subscription> subscriptions = new EnumMap<>(ResourceType.class);
  private volatile boolean initialConfig;

  /** One subscription's counters. */
  private static final class Subscription {
    final String prefix;
    final AtomicLong attempts = new AtomicLong();
    final AtomicLong success = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    final AtomicLong failure = new AtomicLong();
    volatile String version = "";

    Subscription(String prefix) {
      this.prefix = prefix;
    }
  }

  XdsStats() {
    subscriptions.put(ResourceType.LISTENER, new Subscription("listener_manager.lds."));
    subscriptions.put(ResourceType.CLUSTER, new Subscription("cluster_manager.cds."));
    subscriptions.put(ResourceType.ROUTE, new Subscription("outrigger.xds.rds."));
    subscriptions.put(ResourceType.ENDPOINT, new Subscription("outrigger.xds.eds."));
    // istiod's name table (with DNS capture): every type the client reports needs its counters, or
    // the report throws on the client's thread before the ACK is sent.
    subscriptions.put(ResourceType.NAME_TABLE, new Subscription("outrigger.xds.nds."));
  }

  @Override
  public void connected(String target) {
    connected.set(1);
    connects.incrementAndGet();
  }

  @Override
  public void disconnected(String target, boolean wasConnected, String why) {
    connected.set(0);
    disconnects.incrementAndGet();
    // Envoy counts a failed stream as an update failure of every subscription on it.
    subscriptions.values().forEach(s -> s.failure.incrementAndGet());
  }

  @Override
  public void accepted(ResourceType type, String version, int resources) {
    Subscription s = subscriptions.get(type);
    s.attempts.incrementAndGet();
    s.success.incrementAndGet();
    s.version = version;
  }

  @Override
  public void rejected(ResourceType type, String version, String message) {
    Subscription s = subscriptions.get(type);
    s.attempts.incrementAndGet();
    s.rejected.incrementAndGet();
  }

  boolean connected() {
    return connected.get() == 1;
  }

  long success(ResourceType type) {
    return subscriptions.get(type).success.get();
  }

  long rejected(ResourceType type) {
    return subscriptions.get(type).rejected.get();
  }

  /**
   * Whether the initial configuration is in force: Envoy goes LIVE (and pilot-agent's readiness,
   * which also waits for one LDS and one CDS update, passes) only once its first clusters and
   * listeners are applied and the endpoints and routes they name have arrived (cluster warming,
   * listener init; istiod sets no initial fetch timeout on them). Once true it stays true: the
   * last good configuration serves while istiod is away.
   */
  boolean initialConfigApplied(MeshConfig mesh) {
    if (initialConfig) {
      return true;
    }
    boolean applied = success(ResourceType.LISTENER) > 0 && success(ResourceType.CLUSTER) > 0
        && (success(ResourceType.ENDPOINT) > 0 || !namesEndpoints(mesh))
        && (success(ResourceType.ROUTE) > 0 || !namesRoutes(mesh));
    if (applied) {
      initialConfig = true;
      log.info("xDS: the initial configuration is applied (listeners, clusters and what they name); ready");
    }
    return applied;
  }

  private static boolean namesEndpoints(MeshConfig mesh) {
    return mesh.clusters().values().stream().anyMatch(c -> c.discovery() == ClusterSpec.Discovery.EDS);
  }

  private static boolean namesRoutes(MeshConfig mesh) {
    return mesh.listeners().listeners().stream()
        .flatMap(l -> java.util.stream.Stream.concat(l.chains().stream(), l.defaultChain().stream()))
        .anyMatch(c -> c.action() instanceof NetworkAction.Http http && !http.rdsName().isEmpty());
  }

  /** Why not ready, in pilot-agent's words (cmd/pilot-agent/status/ready). */
  String notReadyReason() {
    String counts = "cds updates: " + success(ResourceType.CLUSTER) + " successful, " + rejected(ResourceType.CLUSTER)
        + " rejected; lds updates: " + success(ResourceType.LISTENER) + " successful, "
        + rejected(ResourceType.LISTENER) + " rejected";
    if (success(ResourceType.CLUSTER) == 0 && success(ResourceType.LISTENER) == 0) {
      return "config not received from XDS server (is Istiod running?): " + counts;
    }
    if (rejected(ResourceType.CLUSTER) > 0 || rejected(ResourceType.LISTENER) > 0) {
      return "config received from XDS server, but was rejected: " + counts;
    }
    return "config not fully received from XDS server: " + counts + "; eds updates: " + success(ResourceType.ENDPOINT)
        + " successful; rds updates: " + success(ResourceType.ROUTE) + " successful";
  }

  /** For /stats, Envoy's names. */
  Map<String, Object> snapshot() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("control_plane.connected_state", connected.get());
    out.put("outrigger.xds.connects_total", connects.get());
    out.put("outrigger.xds.disconnects_total", disconnects.get());
    for (Subscription s : subscriptions.values()) {
      out.put(s.prefix + "update_attempt", s.attempts.get());
      out.put(s.prefix + "update_success", s.success.get());
      out.put(s.prefix + "update_rejected", s.rejected.get());
      out.put(s.prefix + "update_failure", s.failure.get());
      out.put(s.prefix + "version_text", s.version);
    }
    return out;
  }

  /**
   * On the Prometheus port as Envoy names them there ({@code envoy_} and the dots as
   * underscores), read when scraped. Gauges rather than counters so that the names stay Envoy's:
   * this client library would add {@code _total} to a counter's.
   */
  void register(PrometheusRegistry registry) {
    gauge(registry, "envoy_control_plane_connected_state", "1 while a stream to the control plane is answered",
        connected);
    for (Subscription s : subscriptions.values()) {
      String name = "envoy_" + s.prefix.replace('.', '_');
      gauge(registry, name + "update_attempt", "xDS updates received", s.attempts);
      gauge(registry, name + "update_success", "xDS updates applied and ACKed", s.success);
      gauge(registry, name + "update_rejected", "xDS updates rejected (NACKed)", s.rejected);
      gauge(registry, name + "update_failure", "xDS streams that failed", s.failure);
    }
  }

  private static void gauge(PrometheusRegistry registry, String name, String help, AtomicLong value) {
    GaugeWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.get())).register(registry);
  }
}
