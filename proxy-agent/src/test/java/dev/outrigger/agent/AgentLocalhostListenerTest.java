package dev.outrigger.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A real agent in preserve mode reading this host's /proc/net/tcp: an "app" listening on
 * 127.0.0.1 only shows in the readiness body, the gauge and config_dump; with its port in
 * OUTRIGGER_LOCALHOST_INBOUND_PORTS it does not. (Other lo-only listeners of the host may show too.)
 */
class AgentLocalhostListenerTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void aLoOnlyAppShowsInReadinessMetricsAndConfigDumpButReadinessStays200() throws Exception {
    try (ServerSocket app = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      Agent agent = start(Map.of());
      try {
        String port = String.valueOf(app.getLocalPort());
        HttpResponse<String> ready = get(agent.statusPort(), "/healthz/ready");
        assertEquals(200, ready.statusCode());
        assertTrue(ready.body().startsWith("warning: app listens on localhost only on port(s) "), ready.body());
        assertTrue(ready.body().matches("(?s).*[ ,]" + port + "[,:].*"), ready.body());
        String metrics = get(agent.prometheusPort(), "/stats/prometheus").body();
        assertTrue(metrics.contains("outrigger_inbound_localhost_only_listeners "), metrics);
        assertFalse(metrics.contains("outrigger_inbound_localhost_only_listeners 0.0"), metrics);
        String dump = get(agent.adminPort(), "/config_dump").body();
        assertTrue(dump.matches("(?s).*\"inbound_localhost_only_listeners\" : \\[[^\\]]*\\b" + port + "\\b.*"), dump);
      } finally {
        stop(agent);
      }
    }
  }

  @Test
  void anOptedInPortIsNotReported() throws Exception {
    try (ServerSocket app = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      String port = String.valueOf(app.getLocalPort());
      Agent agent = start(Map.of("OUTRIGGER_LOCALHOST_INBOUND_PORTS", port));
      try {
        assertFalse(agent.listenerCheck().orElseThrow().loopbackOnly().contains(app.getLocalPort()));
        String dump = get(agent.adminPort(), "/config_dump").body();
        assertTrue(dump.contains("\"OUTRIGGER_LOCALHOST_INBOUND_PORTS\" : \"" + port + "\""), dump);
      } finally {
        stop(agent);
      }
    }
  }

  @Test
  void loopbackModeDoesNotCheck() throws Exception {
    Agent agent = start(Map.of("OUTRIGGER_INBOUND_MODE", "loopback"));
    try {
      assertTrue(agent.listenerCheck().isEmpty());
      assertEquals("", get(agent.statusPort(), "/healthz/ready").body());
    } finally {
      stop(agent);
    }
  }

  private static Agent start(Map<String, String> extra) throws Exception {
    Map<String, String> env = new HashMap<>(Map.of(
        "OUTRIGGER_OUTBOUND_PORT", "0", "OUTRIGGER_INBOUND_PORT", "0",
        "OUTRIGGER_STATUS_PORT", "0", "OUTRIGGER_ADMIN_PORT", "0",
        "OUTRIGGER_PROMETHEUS_PORT", "0", "OUTRIGGER_AGENT_PORT", "0",
        "OUTRIGGER_INBOUND_MODE", "preserve", "OUTRIGGER_DRAIN_DURATION", "0s"));
    env.putAll(extra);
    Agent agent = new Agent(AgentConfig.fromEnvironment(env));
    agent.start();
    return agent;
  }

  private static void stop(Agent agent) throws Exception {
    agent.requestExit("test");
    agent.awaitExitAndDrain();
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
