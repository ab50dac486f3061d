package dev.outrigger.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outrigger.core.log.AccessLogEncoding;
import dev.outrigger.core.peer.NodeMetadata;
import dev.outrigger.core.peer.PeerMetadata;
import dev.outrigger.core.telemetry.WorkloadIdentity;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import io.envoyproxy.envoy.config.core.v3.Node;

/**
 * Access-log encoding, metrics ports, the app's metrics to merge, and who this pod is for the
 * metric labels; read by {@link AgentConfig}, whose constants name the keys.
 *
 * @param accessLogEncoding TEXT or JSON, as Istio's accessLogEncoding
 * @param prometheusPort the proxy's metrics, {@code /stats/prometheus} (Istio: 15090)
 * @param agentPort the merged metrics and readiness (Istio's agent: 15020)
 * @param appMetrics where the app's metrics are, from ISTIO_PROMETHEUS_ANNOTATIONS; null if none
 * @param appMetricsTimeout the longest a scrape of the app may take (a Prometheus scrape-timeout
 *     header shortens it)
 * @param tcpReportingInterval how often open TCP connections report their bytes; 0s only at the close
 * @param identity this pod, for the metric labels
 */
public record TelemetryConfig(
    AccessLogEncoding accessLogEncoding,
    int prometheusPort,
    int agentPort,
    AppMetricsTarget appMetrics,
    Duration appMetricsTimeout,
    Duration tcpReportingInterval,
    WorkloadIdentity identity) {

  /**
   * The ObjectMapper, initialized by the JVM on first use: only a pod with
   * ISTIO_PROMETHEUS_ANNOTATIONS pays the start-up time of building one.
   */
  private static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
  }

  /** The app's scrape endpoint on this pod: {@code http://127.0.0.1:<port><path>}. */
  public record AppMetricsTarget(int port, String path) {}

  /**
   * @param pod the pod's labels (for this pod's metric labels)
   * @param xds the control plane, whose node this pod sends in Istio's HTTP metadata exchange;
   *     without one nothing is exchanged
   */
  static TelemetryConfig fromEnvironment(Map<String, String> env, AgentConfig.Env e, PodInfo pod,
      Optional<XdsConfig> xds) {
    int agentPort = e.get(AgentConfig.AGENT_PORT, 15020, AgentConfig.Env::port);
    AppMetricsTarget app = e.get(AgentConfig.PROMETHEUS_ANNOTATIONS, null, TelemetryConfig::appMetrics);
    if (app != null && app.port() == agentPort) {
      throw new ConfigException(AgentConfig.PROMETHEUS_ANNOTATIONS + ": port " + app.port()
          + " is the agent's own port, which would scrape itself (expected: the app's metrics port)");
    }
    WorkloadIdentity identity;
    try {
      identity = WorkloadIdentity.fromEnvironment(env, pod.labels());
    } catch (IllegalArgumentException badLabels) {
      throw new ConfigException(badLabels.getMessage());
    }
    if (xds.isPresent()) {
      identity = identity.withNode(nodeMetadata(xds.get().node()));
    }
    return new TelemetryConfig(
        e.get(AgentConfig.ACCESS_LOG_ENCODING, AccessLogEncoding.TEXT, AccessLogEncoding::parse),
        e.get(AgentConfig.PROMETHEUS_PORT, 15090, AgentConfig.Env::port),
        agentPort,
        app,
        e.get(AgentConfig.APP_METRICS_TIMEOUT, Duration.ofSeconds(10), AgentConfig.Env::positiveDuration),
        e.get(AgentConfig.TCP_REPORTING_INTERVAL, Duration.ofSeconds(5), AgentConfig.Env::duration),
        identity);
  }

  /** The node as Envoy's peer_metadata filter reads its own: the metadata, the locality under it. */
  static NodeMetadata nodeMetadata(Node node) {
    return new NodeMetadata(node.getId(),
        PeerMetadata.fromStruct(node.getMetadata(), node.getLocality().getRegion(), node.getLocality().getZone()));
  }

  /**
   * Istio's injector writes the pod's prometheus.io annotations as
   * {@code {"scrape":"true","path":"/metrics","port":"8080"}}; as Istio's agent, a missing path is
   * /metrics, a missing port 80, and {@code "scrape":"false"} merges nothing.
   */
  static AppMetricsTarget appMetrics(String raw) {
    JsonNode json;
    try {
      json = Json.MAPPER.readTree(raw);
    } catch (IOException e) {
      json = null;
    }
    if (json == null || !json.isObject()) {
      throw new IllegalArgumentException("'" + raw + "' (expected: JSON such as "
          + "{\"scrape\":\"true\",\"path\":\"/metrics\",\"port\":\"8080\"})");
    }
    if ("false".equals(json.path("scrape").asText())) {
      return null;
    }
    String path = json.path("path").asText("");
    path = path.isEmpty() ? "/metrics" : path.startsWith("/") ? path : "/" + path;
    String port = json.path("port").asText("");
    return new AppMetricsTarget(AgentConfig.Env.port(port.isEmpty() ? "80" : port), path);
  }
}
