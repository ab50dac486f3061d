package dev.outrigger.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The kubelet's rewritten probes on a real agent's agent port, against a real app on loopback. */
class AgentAppProbeTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private Agent agent;
  private HttpServer app;

  @AfterEach
  void stop() throws Exception {
    if (agent != null) {
      agent.requestExit("test");
      agent.awaitExitAndDrain();
    }
    if (app != null) {
      app.stop(0);
    }
  }

  @Test
  void theAgentPortPerformsTheConfiguredProbesAndCountsFailures() throws Exception {
    app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    app.createContext("/ready", exchange -> {
      byte[] body = ("ready, Host " + exchange.getRequestHeaders().getFirst("Host")).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    app.start();
    int port = app.getAddress().getPort();
    start(Map.of("INSTANCE_IP", "127.0.0.1", "ISTIO_KUBE_APP_PROBERS", "{"
        + "\"/app-health/web/readyz\":{\"httpGet\":{\"path\":\"/ready\",\"port\":" + port + "},\"timeoutSeconds\":1},"
        + "\"/app-health/web/livez\":{\"tcpSocket\":{\"port\":" + port + "},\"timeoutSeconds\":1}}"));

    HttpResponse<String> ready = get("/app-health/web/readyz");
    assertEquals(200, ready.statusCode());
    assertEquals("ready, Host 127.0.0.1:" + port, ready.body(), "the agent's port in the Host became the app's");
    assertEquals(200, get("/app-health/web/livez").statusCode());
    assertEquals(400, get("/app-health/other/livez").statusCode());
    assertEquals(404, get("/app-healthz").statusCode());

    app.stop(0);
    app = null;
    assertEquals(500, get("/app-health/web/readyz").statusCode());
    assertEquals(500, get("/app-health/web/livez").statusCode());
    String metrics = get("/stats/prometheus").body();
    assertTrue(metrics.contains("outrigger_app_probe_failures_total{probe=\"/app-health/web/readyz\"} 1.0"), metrics);
    assertTrue(metrics.contains("outrigger_app_probe_failures_total{probe=\"/app-health/web/livez\"} 1.0"), metrics);
  }

  @Test
  void aBadProbeConfigurationIsAStartUpErrorNamingTheKey() {
    ConfigException e = assertThrows(ConfigException.class, () -> AgentConfig.fromEnvironment(env(Map.of(
        "ISTIO_KUBE_APP_PROBERS", "{\"/app-health/web/readyz\":{\"httpGet\":{\"port\":\"http\"}}}"))));
    assertTrue(e.getMessage().contains("ISTIO_KUBE_APP_PROBERS: key '/app-health/web/readyz'"), e.getMessage());
  }

  private void start(Map<String, String> extra) throws Exception {
    agent = new Agent(AgentConfig.fromEnvironment(env(extra)));
    agent.start();
  }

  private static Map<String, String> env(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(Map.of(
        "OUTRIGGER_OUTBOUND_PORT", "0", "OUTRIGGER_INBOUND_PORT", "0",
        "OUTRIGGER_STATUS_PORT", "0", "OUTRIGGER_ADMIN_PORT", "0",
        "OUTRIGGER_PROMETHEUS_PORT", "0", "OUTRIGGER_AGENT_PORT", "0",
        "OUTRIGGER_DRAIN_DURATION", "1s", "OUTRIGGER_IPV6", "off"));
    env.putAll(extra);
    return env;
  }

  private HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.agentPort() + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
