package dev.outrigger.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.outrigger.agent.http.AsyncEndpoint;
import dev.outrigger.agent.http.Endpoint;
import dev.outrigger.agent.http.Reply;
import dev.outrigger.core.config.ProxySettings;
import dev.outrigger.core.config.MeshConfig;
import dev.outrigger.core.stats.ListenerStats;
import dev.outrigger.xds.ResourceType;
import dev.outrigger.xds.XdsConfigDump;
import dev.outrigger.xds.XdsSnapshot;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The URLs of the status port (all addresses) and the admin port (127.0.0.1). */
final class AdminEndpoints {
  /** The ObjectMapper, built on the first JSON reply rather than in the proxy's start-up. */
  private static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  }

  private final Agent agent;

  AdminEndpoints(Agent agent) {
    this.agent = agent;
  }

  Map<String, Endpoint> status() {
    return Map.of("/healthz/ready", (method, query) -> readiness());
  }

  Map<String, Endpoint> admin() {
    Map<String, Endpoint> m = new LinkedHashMap<>();
    m.put("/ready", (method, query) -> Reply.text(
        agent.ready() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, agent.state() + "\n"));
    m.put("/healthz/ready", (method, query) -> readiness());
    m.put("/config_dump", (AsyncEndpoint) (method, query, headers) -> configDump(query.containsKey("include_eds")));
    m.put("/clusters", (method, query) -> clusters(query));
    m.put("/stats", (method, query) -> stats(query));
    m.put("/logging", LogLevels::handle);
    Endpoint drain = (method, query) -> post(method, () -> agent.drainListeners(), "draining\n");
    m.put("/drain", drain);
    m.put("/drain_listeners", drain); // Envoy's name, which Istio's agent calls
    m.put("/quitquitquit", (method, query) -> post(method, () -> agent.requestExit("/quitquitquit"), "OK\n"));
    return m;
  }

  private Reply readiness() {
    // Readiness itself is unchanged by a lo-only app (the proxy is fine), but the body says so.
    String warning = agent.listenerCheck().map(LocalhostListenerCheck::readinessLine).orElse("");
    if (agent.ready()) {
      return Reply.ok(warning);
    }
    String why = agent.state() == Agent.State.LIVE && agent.overloaded() ? "OVERLOADED" : agent.state().name();
    if (agent.state() == Agent.State.LIVE && !agent.overloaded() && !agent.xdsReady()) {
      why = agent.controlPlane().map(cp -> cp.stats().notReadyReason()).orElse(why);
    } else if (agent.state() == Agent.State.LIVE && !agent.overloaded() && !agent.certificateReady()) {
      why = agent.certificates().map(WorkloadCertificates::notReadyReason).orElse(why);
    }
    return Reply.text(HttpResponseStatus.SERVICE_UNAVAILABLE, "not ready: " + why + "\n" + warning);
  }

  /** Envoy's /clusters from the configuration the data path routes by (empty in passthrough). */
  private Reply clusters(Map<String, List<String>> query) {
    MeshConfig mesh = agent.proxy().config().current();
    if (List.of("json").equals(query.get("format"))) {
      return Reply.json(json(ClustersPage.json(mesh, HostStats.of(agent.proxy().clusters()))));
    }
    return Reply.ok(ClustersPage.text(mesh, HostStats.of(agent.proxy().clusters())));
  }

  private static Reply post(HttpMethod method, Runnable action, String body) {
    if (!HttpMethod.POST.equals(method)) {
      return Reply.methodNotAllowed("POST");
    }
    action.run();
    return Reply.ok(body);
  }

  private Reply stats(Map<String, List<String>> query) {
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("server.state", agent.state().name());
    stats.put("server.uptime_seconds", agent.uptimeSeconds());
    stats.put("server.downstream_cx_active", agent.proxy().activeConnections());
    for (ListenerStats listener : agent.proxy().stats().values()) {
      stats.putAll(listener.snapshot());
    }
    stats.putAll(agent.proxy().overload().snapshot());
    stats.put("access_log.lines_written_total", agent.accessLogOutput().linesWritten());
    stats.put("access_log.lines_dropped_total", agent.accessLogOutput().linesDropped());
    stats.put("access_log.write_failures_total", agent.accessLogOutput().writeFailures());
    stats.put("agent.scrapes_total", agent.metricsEndpoints().scrapes());
    stats.put("agent.app_scrape_failures_total", agent.metricsEndpoints().appScrapeFailures());
    agent.controlPlane().ifPresent(cp -> stats.putAll(cp.stats().snapshot()));
    agent.certificates().ifPresent(c -> stats.putAll(c.snapshot()));
    agent.listenerCheck().ifPresent(check -> {
      stats.put("listener_check.localhost_only_listeners", check.loopbackOnly().size());
      stats.put("listener_check.scan_failures_total", check.scanFailures());
    });
    if (List.of("json").equals(query.get("format"))) {
      return Reply.json(json(stats));
    }
    StringBuilder text = new StringBuilder();
    stats.forEach((name, value) -> text.append(name).append(": ").append(value).append('\n'));
    return Reply.ok(text.toString());
  }

  /**
   * Envoy's layout ({@code configs[]}: dynamic clusters, endpoints, listeners and routes with their
   * versions; empty in passthrough), and Outrigger's settings under {@code effective_config}
   * (istioctl reads config dumps allowing unknown fields).
   */
  private CompletionStage<Reply> configDump(boolean includeEds) {
    CompletionStage<XdsSnapshot> xds = agent.controlPlane().map(cp -> (CompletionStage<XdsSnapshot>) cp.snapshot())
        .orElse(CompletableFuture.completedFuture(EmptyXds.SNAPSHOT));
    return xds.handle((snapshot, failure) -> {
      ObjectNode dump;
      try {
        dump = (ObjectNode) Json.MAPPER.readTree(XdsConfigDump.toJson(failure == null ? snapshot : EmptyXds.SNAPSHOT,
            agent.certificates().flatMap(c -> c.contexts().identity())));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
      if (!includeEds && dump.get("configs") instanceof com.fasterxml.jackson.databind.node.ArrayNode configs) {
        // As Envoy: endpoints only on request (?include_eds), they are the bulk of a mesh's dump.
        for (int i = configs.size() - 1; i >= 0; i--) {
          if (configs.get(i).path("@type").asText().endsWith("EndpointsConfigDump")) {
            configs.remove(i);
          }
        }
      }
      if (failure != null) {
        dump.put("error", "xDS state unavailable: " + failure.getMessage());
      }
      dump.set("effective_config", Json.MAPPER.valueToTree(effectiveConfig()));
      return Reply.json(json(dump));
    });
  }

  /**
   * The xDS state before anything was received, each type empty; built on the first /config_dump,
   * so that a passthrough proxy's start-up loads no protobuf classes.
   */
  private static final class EmptyXds {
    static final XdsSnapshot SNAPSHOT = build();

    private static XdsSnapshot build() {
      Map<ResourceType, XdsSnapshot.TypeSnapshot> types = new EnumMap<>(ResourceType.class);
      for (ResourceType t : ResourceType.values()) {
        types.put(t, new XdsSnapshot.TypeSnapshot(t, "", Map.of(), Set.of(), null, null));
      }
      return new XdsSnapshot(false, types);
    }
  }

  private Map<String, Object> effectiveConfig() {
    AgentConfig c = agent.config();
    ProxySettings p = c.proxy();
    Map<String, Object> dump = new LinkedHashMap<>();
    dump.put(AgentConfig.INBOUND_MODE, p.inboundMode().label());
    dump.put(AgentConfig.LOCALHOST_INBOUND_PORTS, p.localhostInboundPorts().label());
    // What the last scan of the pod's sockets found (preserve mode only; absent in loopback mode).
    dump.put("captured_inbound_ports", c.capturedInboundPorts().label());
    agent.listenerCheck().ifPresent(check -> dump.put("inbound_localhost_only_listeners",
        check.loopbackOnly().stream().toList()));
    dump.put(AgentConfig.OUTBOUND_PORT, p.outboundPort());
    dump.put(AgentConfig.INBOUND_PORT, p.inboundPort());
    dump.put(AgentConfig.STATUS_PORT, c.statusPort());
    dump.put(AgentConfig.ADMIN_PORT, c.adminPort());
    dump.put(AgentConfig.CONNECT_TIMEOUT, Durations.format(p.connectTimeout()));
    dump.put(AgentConfig.IDLE_TIMEOUT, Durations.format(p.idleTimeout()));
    dump.put(AgentConfig.DRAIN_DURATION, Durations.format(c.drain().terminationDrainDuration()));
    dump.put(AgentConfig.EXIT_ON_ZERO_ACTIVE_CONNECTIONS, c.drain().exitOnZeroActiveConnections());
    dump.put(AgentConfig.MINIMUM_DRAIN_DURATION, Durations.format(c.drain().minimumDrainDuration()));
    dump.put(AgentConfig.ACCESS_LOG, p.accessLog() ? "on" : "off");
    dump.put(AgentConfig.ACCESS_LOG_FLUSH_INTERVAL, Durations.format(c.accessLogFlushInterval()));
    dump.put(AgentConfig.IPV6, p.ipv6() ? "on" : "off");
    dump.put(AgentConfig.CONCURRENCY, p.workerThreads());
    dump.put(AgentConfig.LOG_LEVEL, c.logLevel());
    HttpConfig.describe(c.http(), dump);
    OverloadConfig.describe(c.overload(), dump);
    TelemetryConfig t = c.telemetry();
    dump.put(AgentConfig.ACCESS_LOG_ENCODING, t.accessLogEncoding().name());
    dump.put(AgentConfig.PROMETHEUS_PORT, t.prometheusPort());
    dump.put(AgentConfig.AGENT_PORT, t.agentPort());
    dump.put(AgentConfig.PROMETHEUS_ANNOTATIONS, t.appMetrics() == null ? null
        : Map.of("port", t.appMetrics().port(), "path", t.appMetrics().path()));
    dump.put(AgentConfig.APP_METRICS_TIMEOUT, Durations.format(t.appMetricsTimeout()));
    dump.put(AgentConfig.TCP_REPORTING_INTERVAL, Durations.format(t.tcpReportingInterval()));
    dump.put("workload_identity", t.identity());
    XdsConfig.describe(c.xds(), dump);
    c.mtls().describe(dump);
    return dump;
  }

  private static String json(Object value) {
    try {
      return Json.MAPPER.writeValueAsString(value) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
