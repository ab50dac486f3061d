package dev.outrigger.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.outrigger.core.Direction;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Prometheus and agent ports of a real agent, scraped over HTTP, merging a fake app's metrics. */
class MetricsPortsTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final String APP_METRICS = "# TYPE app_orders_total counter\napp_orders_total{shop=\"main\"} 7\n";
  private final CountDownLatch releaseSlowApp = new CountDownLatch(1);
  private Agent agent;
  private HttpServer app;

  @AfterEach
  void stop() throws Exception {
    releaseSlowApp.countDown();
    if (agent != null) {
      agent.requestExit("test");
      agent.awaitExitAndDrain();
    }
    if (app != null) {
      app.stop(0);
    }
  }

  @Test
  void thePrometheusPortServesTheProxysMetricsFromRealTraffic() throws Exception {
    start(null);
    String body = refusedConnection();
    assertEquals(1.0, sample(body, "istio_tcp_connections_closed_total", "response_flags=\"NR\"", "reporter=\"source\""));
    assertEquals(1.0, sample(body, "istio_tcp_connections_opened_total", "response_flags=\"NR\""));
    assertEquals(0.0, sample(body, "istio_tcp_sent_bytes_total", "response_flags=\"NR\""));
    assertTrue(body.contains("source_workload=\"reviews-v1\""), body);
    assertTrue(body.contains("source_workload_namespace=\"bookinfo\""), body);
    assertTrue(body.contains("source_app=\"reviews\""), body);
    assertFalse(body.contains("istio_agent_scrapes_total"), "the agent's own metrics are on the agent port only");
    HttpResponse<String> r = get(agent.prometheusPort(), "/stats/prometheus", Map.of());
    assertEquals("text/plain; version=0.0.4; charset=utf-8", r.headers().firstValue("Content-Type").orElse(""));
  }

  @Test
  void theAgentPortMergesTheAppsMetricsLast() throws Exception {
    app = app("text/plain; version=0.0.4; charset=utf-8", APP_METRICS, 200);
    start(Map.of("ISTIO_PROMETHEUS_ANNOTATIONS",
        "{\"scrape\":\"true\",\"path\":\"/metrics\",\"port\":\"" + app.getAddress().getPort() + "\"}"));
    refusedConnection();
    HttpResponse<String> r = get(agent.agentPort(), "/stats/prometheus",
        Map.of("Accept", "text/plain", "User-Agent", "Prometheus/2.53.0"));
    assertEquals(200, r.statusCode());
    String body = r.body();
    assertEquals(1.0, sample(body, "istio_tcp_connections_closed_total", "response_flags=\"NR\""));
    assertEquals(1.0, sample(body, "istio_agent_scrapes_total"));
    assertEquals(0.0, sample(body, "istio_agent_scrape_failures_total", "type=\"application\""));
    assertTrue(body.endsWith(APP_METRICS), "the app's part, unchanged, last: " + body);
    assertEquals("Prometheus/2.53.0", lastUserAgent, "Prometheus's headers are passed on");
    assertEquals(200, get(agent.agentPort(), "/metrics", Map.of()).statusCode());
    assertEquals(200, get(agent.agentPort(), "/healthz/ready", Map.of()).statusCode());
    assertTrue(get(agent.adminPort(), "/stats", Map.of()).body().contains("agent.scrapes_total: 2\n"));
  }

  @Test
  void anOpenMetricsAppGetsOneOpenMetricsExpositionWithOneEof() throws Exception {
    app = app("application/openmetrics-text; version=1.0.0; charset=utf-8",
        "# TYPE app_orders counter\napp_orders_total 7\n# EOF\n", 200);
    start(Map.of("ISTIO_PROMETHEUS_ANNOTATIONS", "{\"port\":\"" + app.getAddress().getPort() + "\"}"));
    HttpResponse<String> r = get(agent.agentPort(), "/stats/prometheus", Map.of());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/openmetrics-text"));
    assertTrue(r.body().contains("# TYPE istio_agent_scrapes counter\n"), r.body());
    assertEquals(r.body().indexOf("# EOF"), r.body().lastIndexOf("# EOF"), r.body());
    assertTrue(r.body().endsWith("app_orders_total 7\n# EOF\n"), r.body());
  }

  @Test
  void aFailingAppStillGetsTheProxysMetricsAndIsCounted() throws Exception {
    app = app("text/plain", "oops", 500);
    start(Map.of("ISTIO_PROMETHEUS_ANNOTATIONS", "{\"port\":\"" + app.getAddress().getPort() + "\"}"));
    refusedConnection();
    HttpResponse<String> r = get(agent.agentPort(), "/stats/prometheus", Map.of());
    assertEquals(200, r.statusCode());
    assertEquals(1.0, sample(r.body(), "istio_agent_scrape_failures_total", "type=\"application\""));
    assertEquals(1.0, sample(r.body(), "istio_tcp_connections_closed_total", "response_flags=\"NR\""));
    assertFalse(r.body().contains("oops"), r.body());
    app.stop(0); // now refused
    app = null;
    r = get(agent.agentPort(), "/stats/prometheus", Map.of());
    assertEquals(2.0, sample(r.body(), "istio_agent_scrape_failures_total", "type=\"application\""));
    assertTrue(get(agent.adminPort(), "/stats", Map.of()).body().contains("agent.app_scrape_failures_total: 2\n"));
  }

  @Test
  void aSlowAppTimesOutWithoutHoldingUpTheOtherEndpoints() throws Exception {
    app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    app.createContext("/metrics", exchange -> {
      try {
        releaseSlowApp.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.close();
    });
    app.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    app.start();
    start(Map.of("ISTIO_PROMETHEUS_ANNOTATIONS", "{\"port\":\"" + app.getAddress().getPort() + "\"}",
        "OUTRIGGER_APP_METRICS_TIMEOUT", "20s"));
    var slow = HTTP.sendAsync(request(agent.agentPort(), "/stats/prometheus",
        Map.of("X-Prometheus-Scrape-Timeout-Seconds", "15")), HttpResponse.BodyHandlers.ofString());
    // The admin threads answer everything else while the scrape waits for the app.
    for (int i = 0; i < 3; i++) {
      assertEquals(200, get(agent.agentPort(), "/healthz/ready", Map.of()).statusCode());
      assertEquals(200, get(agent.statusPort(), "/healthz/ready", Map.of()).statusCode());
    }
    assertFalse(slow.isDone(), "the scrape is still waiting for the app");
    // A scrape with a short timeout of its own gives up on the app and answers.
    HttpResponse<String> r = get(agent.agentPort(), "/stats/prometheus",
        Map.of("X-Prometheus-Scrape-Timeout-Seconds", "0.3"));
    assertEquals(200, r.statusCode());
    assertTrue(sample(r.body(), "istio_agent_scrape_failures_total", "type=\"application\"") >= 1.0, r.body());
    releaseSlowApp.countDown();
    assertEquals(200, slow.get(20, TimeUnit.SECONDS).statusCode());
  }

  private volatile String lastUserAgent;

  private HttpServer app(String contentType, String body, int status) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/metrics", exchange -> {
      lastUserAgent = exchange.getRequestHeaders().getFirst("User-Agent");
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", contentType);
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    });
    server.start();
    return server;
  }

  private void start(Map<String, String> extra) throws Exception {
    Map<String, String> env = new HashMap<>(Map.of(
        "OUTRIGGER_OUTBOUND_PORT", "0", "OUTRIGGER_INBOUND_PORT", "0",
        "OUTRIGGER_STATUS_PORT", "0", "OUTRIGGER_ADMIN_PORT", "0",
        "OUTRIGGER_PROMETHEUS_PORT", "0", "OUTRIGGER_AGENT_PORT", "0",
        "OUTRIGGER_DRAIN_DURATION", "1s", "OUTRIGGER_IPV6", "off",
        "POD_NAME", "reviews-v1-5f7b8c9d4-x2x4z", "POD_NAMESPACE", "bookinfo"));
    env.put("ISTIO_METAJSON_LABELS", "{\"app\":\"reviews\",\"version\":\"v1\"}");
    if (extra != null) {
      env.putAll(extra);
    }
    agent = new Agent(AgentConfig.fromEnvironment(env));
    agent.start();
  }

  /**
   * Makes one connection that the proxy refuses (NR): it was not redirected by iptables, so it has
   * no original destination. Returns the first scrape of the Prometheus port that counts it.
   */
  private String refusedConnection() throws Exception {
    try (Socket s = new Socket("127.0.0.1", agent.proxy().port(Direction.OUTBOUND))) {
      s.getInputStream().read();
    } catch (IOException resetAsExpected) {
      // the refusal is a reset
    }
    return awaitSample(agent.prometheusPort(), "istio_tcp_connections_closed_total");
  }

  /** Scrapes until {@code name} appears: the access log and metrics are written as the connection closes. */
  private static String awaitSample(int port, String name) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      String body = get(port, "/stats/prometheus", Map.of()).body();
      if (body.contains(name + "{") || System.nanoTime() > deadline) {
        return body;
      }
      Thread.sleep(20);
    }
  }

  /** The value of the one sample of {@code name} whose labels contain all of {@code labels}. */
  private static double sample(String exposition, String name, String... labels) {
    Double found = null;
    Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*})? (\\S+)$").matcher(exposition);
    while (m.find()) {
      String set = m.group(1) == null ? "" : m.group(1);
      boolean all = true;
      for (String l : labels) {
        all &= set.contains(l);
      }
      if (all) {
        assertEquals(null, found, "more than one sample of " + name + " with " + String.join(",", labels));
        found = Double.parseDouble(m.group(2));
      }
    }
    if (found == null) {
      throw new AssertionError("no sample of " + name + " with " + String.join(",", labels) + " in\n" + exposition);
    }
    return found;
  }

  private static HttpRequest request(int port, String path, Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(20));
    headers.forEach(b::header);
    return b.build();
  }

  private static HttpResponse<String> get(int port, String path, Map<String, String> headers) throws Exception {
    return HTTP.send(request(port, path, headers), HttpResponse.BodyHandlers.ofString());
  }
}
