package dev.outrigger.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.core.overload.OverloadState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The status and admin ports of a real agent on ephemeral ports. */
class AgentTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private Agent agent;

  @BeforeEach
  void start() throws Exception {
    agent = new Agent(AgentConfig.fromEnvironment(Map.of(
        "OUTRIGGER_OUTBOUND_PORT", "0", "OUTRIGGER_INBOUND_PORT", "0",
        "OUTRIGGER_STATUS_PORT", "0", "OUTRIGGER_ADMIN_PORT", "0",
        "OUTRIGGER_PROMETHEUS_PORT", "0", "OUTRIGGER_AGENT_PORT", "0",
        "OUTRIGGER_INBOUND_MODE", "loopback", "OUTRIGGER_DRAIN_DURATION", "1s")));
    agent.start();
  }

  @AfterEach
  void stop() throws Exception {
    agent.requestExit("test");
    agent.awaitExitAndDrain();
  }

  @Test
  void readyWhileBothListenersAcceptAndNotAfterADrain() throws Exception {
    assertEquals(200, get(agent.statusPort(), "/healthz/ready").statusCode());
    assertEquals("LIVE\n", get(agent.adminPort(), "/ready").body());
    assertEquals(405, get(agent.adminPort(), "/drain").statusCode());
    assertEquals(200, post(agent.adminPort(), "/drain").statusCode());
    assertEquals(503, get(agent.statusPort(), "/healthz/ready").statusCode());
    assertEquals(503, get(agent.adminPort(), "/ready").statusCode());
  }

  @Test
  void notReadyWhileTheBufferBudgetIsExhaustedButReadyWhileItIsOnlySaturated() {
    assertTrue(Agent.isReady(Agent.State.LIVE, true, OverloadState.NORMAL));
    assertTrue(Agent.isReady(Agent.State.LIVE, true, OverloadState.SATURATED));
    assertFalse(Agent.isReady(Agent.State.LIVE, true, OverloadState.EXHAUSTED));
    assertFalse(Agent.isReady(Agent.State.DRAINING, true, OverloadState.NORMAL));
  }

  @Test
  void statsAndMetricsShowTheBufferBudget() throws Exception {
    String body = get(agent.adminPort(), "/stats").body();
    assertTrue(body.contains("overload.state: 0\n"), body);
    assertTrue(body.contains("overload.buffer_budget_bytes: "), body);
    assertTrue(body.contains("overload.reads_paused_total: 0\n"), body);
    assertTrue(body.contains("overload.cx_reset_total: 0\n"), body);
    assertTrue(body.contains("overload.alloc_failures_total: 0\n"), body);
    String metrics = get(agent.prometheusPort(), "/stats/prometheus").body();
    assertTrue(metrics.contains("outrigger_overload_state 0.0"), metrics);
  }

  @Test
  void configDumpShowsTheEffectiveConfiguration() throws Exception {
    String body = get(agent.adminPort(), "/config_dump").body();
    assertTrue(body.contains("\"OUTRIGGER_INBOUND_MODE\" : \"loopback\""), body);
    assertTrue(body.contains("\"OUTRIGGER_CONNECT_TIMEOUT\" : \"10s\""), body);
    assertTrue(body.contains("\"OUTRIGGER_DRAIN_DURATION\" : \"1s\""), body);
    assertTrue(body.contains("\"OUTRIGGER_BUFFER_BUDGET_MB\" : "), body);
  }

  @Test
  void statsListCountersPerListener() throws Exception {
    String body = get(agent.adminPort(), "/stats").body();
    assertTrue(body.contains("server.state: LIVE\n"), body);
    assertTrue(body.contains("listener.outbound.downstream_cx_total: 0\n"), body);
    assertTrue(body.contains("listener.inbound.upstream_cx_connect_fail: 0\n"), body);
    String json = get(agent.adminPort(), "/stats?format=json").body();
    assertTrue(json.contains("\"listener.inbound.downstream_cx_active\" : 0"), json);
  }

  @Test
  void unknownPathsAnswer404WithTheKnownOnes() throws Exception {
    HttpResponse<String> r = get(agent.adminPort(), "/nope");
    assertEquals(404, r.statusCode());
    assertTrue(r.body().contains("/quitquitquit"), r.body());
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(int port, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }
}
