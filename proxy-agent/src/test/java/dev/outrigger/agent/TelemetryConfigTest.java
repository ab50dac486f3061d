package dev.outrigger.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.outrigger.agent.TelemetryConfig.AppMetricsTarget;
import dev.outrigger.core.log.AccessLogEncoding;
import dev.outrigger.core.peer.NodeMetadata;
import dev.outrigger.core.peer.PeerMetadata;
import dev.outrigger.core.telemetry.WorkloadIdentity;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TelemetryConfigTest {
  @Test
  void defaultsAreIstios() {
    TelemetryConfig t = AgentConfig.fromEnvironment(Map.of()).telemetry();
    assertEquals(AccessLogEncoding.TEXT, t.accessLogEncoding());
    assertEquals(15090, t.prometheusPort());
    assertEquals(15020, t.agentPort());
    assertEquals(null, t.appMetrics());
    assertEquals(Duration.ofSeconds(10), t.appMetricsTimeout());
    assertEquals(Duration.ofSeconds(5), t.tcpReportingInterval());
    assertEquals("unknown", t.identity().workload());
  }

  @Test
  void readsEveryKey() {
    TelemetryConfig t = AgentConfig.fromEnvironment(Map.of(
        "OUTRIGGER_ACCESS_LOG_ENCODING", "json",
        "OUTRIGGER_PROMETHEUS_PORT", "16090",
        "OUTRIGGER_AGENT_PORT", "16020",
        "ISTIO_PROMETHEUS_ANNOTATIONS", "{\"scrape\":\"true\",\"path\":\"/manage/prometheus\",\"port\":\"8383\"}",
        "OUTRIGGER_APP_METRICS_TIMEOUT", "2s",
        "OUTRIGGER_TCP_REPORTING_INTERVAL", "0s",
        "POD_NAME", "details-v1-65cfcf56f9-4gqvk",
        "POD_NAMESPACE", "bookinfo")).telemetry();
    assertEquals(AccessLogEncoding.JSON, t.accessLogEncoding());
    assertEquals(16090, t.prometheusPort());
    assertEquals(16020, t.agentPort());
    assertEquals(new AppMetricsTarget(8383, "/manage/prometheus"), t.appMetrics());
    assertEquals(Duration.ofSeconds(2), t.appMetricsTimeout());
    assertEquals(Duration.ZERO, t.tcpReportingInterval());
    assertEquals("details-v1", t.identity().workload());
    assertEquals("bookinfo", t.identity().namespace());
  }

  @Test
  void withIstiodThePodExchangesItsNodeAndItsLabelsComeFromTheInjectorsFile() {
    PodInfo pod = new PodInfo(Map.of("app", "reviews", "version", "v2",
        "service.istio.io/canonical-name", "reviews", "service.istio.io/canonical-revision", "v2"), Map.of());
    Map<String, String> env = Map.of("POD_NAME", "reviews-v2-5f7b8c9d4-x2x4z", "POD_NAMESPACE", "default",
        "INSTANCE_IP", "10.244.1.7", "ISTIO_META_WORKLOAD_NAME", "reviews-v2", "PILOT_ADDRESS", "10.0.0.9:15012",
        "SERVICE_ACCOUNT", "bookinfo-reviews",
        "ISTIO_META_OWNER", "kubernetes://apis/apps/v1/namespaces/default/deployments/reviews-v2");
    WorkloadIdentity identity = AgentConfig.fromEnvironment(env, pod, () -> List.of("10.244.1.7")).telemetry().identity();
    assertEquals("reviews", identity.app());
    assertEquals("v2", identity.version());
    NodeMetadata node = identity.node();
    assertEquals("sidecar~10.244.1.7~reviews-v2-5f7b8c9d4-x2x4z.default~default.svc.cluster.local", node.id());
    assertEquals(new PeerMetadata("reviews-v2-5f7b8c9d4-x2x4z", "Kubernetes", "default", "reviews-v2", "reviews", "v2",
        "reviews", "v2", "deployment", "", "", ""), node.metadata());

    assertNull(AgentConfig.fromEnvironment(Map.of("POD_NAMESPACE", "default"), pod, List::of).telemetry().identity()
        .node(), "without istiod nothing is exchanged");
  }

  @Test
  void theAppsAnnotationsDefaultAsIstiosAgentDoes() {
    assertEquals(new AppMetricsTarget(80, "/metrics"), TelemetryConfig.appMetrics("{\"scrape\":\"true\"}"));
    assertEquals(new AppMetricsTarget(9102, "/stats"), TelemetryConfig.appMetrics("{\"path\":\"stats\",\"port\":\"9102\"}"));
    assertEquals(null, TelemetryConfig.appMetrics("{\"scrape\":\"false\",\"port\":\"8080\"}"));
  }

  @Test
  void badValuesNameTheKey() {
    assertMessage("OUTRIGGER_ACCESS_LOG_ENCODING='yaml' (expected: TEXT or JSON)",
        Map.of("OUTRIGGER_ACCESS_LOG_ENCODING", "yaml"));
    assertMessage("OUTRIGGER_PROMETHEUS_PORT='x' (expected: a port number 0-65535)",
        Map.of("OUTRIGGER_PROMETHEUS_PORT", "x"));
    assertMessage("ISTIO_PROMETHEUS_ANNOTATIONS='scrape=true' (expected: JSON such as "
        + "{\"scrape\":\"true\",\"path\":\"/metrics\",\"port\":\"8080\"})",
        Map.of("ISTIO_PROMETHEUS_ANNOTATIONS", "scrape=true"));
    assertMessage("ISTIO_PROMETHEUS_ANNOTATIONS: port 15020 is the agent's own port, which would scrape itself "
        + "(expected: the app's metrics port)", Map.of("ISTIO_PROMETHEUS_ANNOTATIONS", "{\"port\":\"15020\"}"));
    assertMessage("OUTRIGGER_APP_METRICS_TIMEOUT='0s' (expected: a duration > 0)",
        Map.of("OUTRIGGER_APP_METRICS_TIMEOUT", "0s"));
  }

  private static void assertMessage(String expected, Map<String, String> env) {
    ConfigException e = assertThrows(ConfigException.class, () -> AgentConfig.fromEnvironment(env));
    assertEquals(expected, e.getMessage());
  }
}
