package dev.outrigger.it.http;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.outrigger.it.PodNetworkTestBase;
import dev.outrigger.it.apps.Curl;
import dev.outrigger.it.apps.HeaderEcho;
import dev.outrigger.it.apps.Ncat;
import dev.outrigger.it.apps.ToolServer;
import dev.outrigger.it.apps.tool.ServerBehaviour;
import dev.outrigger.it.harness.CommandResult;
import dev.outrigger.it.harness.Pod;
import dev.outrigger.it.harness.Waits;
import dev.outrigger.it.sidecar.Sidecar;
import dev.outrigger.it.sidecar.SidecarSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Istio's standard metrics scraped from :15090/stats/prometheus (and the merged :15020) of both
 * sidecars equal what was actually sent. Each test uses a port of its own, and the destination
 * service label (ip:port) keeps its series apart from the other tests'.
 */
class HttpMetricsIT extends PodNetworkTestBase {
  private static final int PORT = 8080;
  private static final int H2C_PORT = 8082;
  private static final int NOTHING_LISTENS_PORT = 8081;
  private static final int APP_PORT = 8090;
  private static final int TCP_PORT = 9000;
  private static final int REQUESTS = 7;
  private static final String BODY = "m".repeat(100);
  private static final Duration METRICS_TIMEOUT = Duration.ofSeconds(10);

  private Pod client;
  private Sidecar clientSidecar;
  private Pod server;
  private Sidecar serverSidecar;

  @Override
  protected String networkName() {
    return "hmetric";
  }

  @BeforeAll
  void startPods() {
    client = network.addPod("client");
    clientSidecar = Sidecar.inject(client, SidecarSettings.defaults());
    server = network.addPod("server");
    // The JDK app reads each request body before it answers (nginx's return would not), so the
    // body is known to have passed both sidecars before the response ends; nginx takes h2c for it.
    ToolServer.startHttpApp(server, "127.0.0.1", APP_PORT);
    HeaderEcho.startRelay(server, PORT, H2C_PORT, "127.0.0.1:" + APP_PORT);
    ToolServer.start(server, ServerBehaviour.PONG, server.ip(), TCP_PORT);
    serverSidecar = Sidecar.inject(server, SidecarSettings.defaults());
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void requestMetricsCountTheRequestsSent(Protocol protocol) {
    int port = protocol.h2c() ? H2C_PORT : PORT;
    String url = "http://" + server.ip() + ":" + port + "/sha256?metrics-" + protocol.curlVersion();
    List<String> options = new ArrayList<>(protocol.curlOptions());
    options.addAll(List.of("--data-binary", BODY));
    for (int i = 0; i < REQUESTS; i++) {
      assertEquals(200, Curl.exchange(client, url, options).requireTransfer().status());
    }

    Map<String, String> series = Map.of("destination_service", server.ip() + ":" + port, "response_code", "200",
        "response_flags", "-", "request_protocol", "http");
    Map<String, String> source = with(series, "reporter", "source");
    Map<String, String> destination = with(series, "reporter", "destination");
    assertEquals(REQUESTS, awaitAtLeast(clientSidecar, "istio_requests_total", source, REQUESTS));
    assertEquals(REQUESTS, awaitAtLeast(serverSidecar, "istio_requests_total", destination, REQUESTS));
    for (Sidecar sidecar : List.of(clientSidecar, serverSidecar)) {
      Map<String, String> labels = sidecar == clientSidecar ? source : destination;
      var scrape = sidecar.metrics(Sidecar.PROMETHEUS_PORT);
      var merged = sidecar.metrics(Sidecar.AGENT_PORT);
      String logged = String.join("\n", sidecar.accessLog().stream().filter(l -> l.contains(" /sha256?metrics-")).toList());
      assertAll(sidecar.pod() + " " + labels + ", its access log:\n" + logged,
          () -> assertEquals(REQUESTS, scrape.sum("istio_request_duration_milliseconds_count", labels)),
          () -> assertEquals(REQUESTS, scrape.sum("istio_request_bytes_count", labels)),
          () -> assertEquals((double) REQUESTS * BODY.length(), scrape.sum("istio_request_bytes_sum", labels)),
          () -> assertEquals(REQUESTS, scrape.sum("istio_response_bytes_count", labels)),
          () -> assertEquals(REQUESTS, merged.sum("istio_requests_total", labels), "the merged view on 15020"));
    }
  }

  @Test
  void upstreamConnectFailuresAreCountedAs503Uf() {
    int failures = 3;
    for (int i = 0; i < failures; i++) {
      assertEquals(503, Curl.exchange(client, "http://" + server.ip() + ":" + NOTHING_LISTENS_PORT + "/uf", List.of())
          .requireTransfer().status());
    }

    Map<String, String> series = Map.of("destination_service", server.ip() + ":" + NOTHING_LISTENS_PORT,
        "response_code", "503");
    assertEquals(failures, awaitAtLeast(serverSidecar, "istio_requests_total",
        with(with(series, "reporter", "destination"), "response_flags", "UF"), failures));
    // The client sidecar got a 503 from upstream: no flag of its own.
    assertEquals(failures, awaitAtLeast(clientSidecar, "istio_requests_total",
        with(with(series, "reporter", "source"), "response_flags", "-"), failures));
  }

  @Test
  void tcpConnectionsAndBytesAreCounted() {
    int connections = 3;
    for (int i = 0; i < connections; i++) {
      CommandResult result = Ncat.ping(client, server.ip(), TCP_PORT);
      assertEquals("pong", result.printed(), result.describe());
    }

    Map<String, String> series = Map.of("destination_service", server.ip() + ":" + TCP_PORT, "request_protocol", "tcp");
    for (Sidecar sidecar : List.of(clientSidecar, serverSidecar)) {
      Map<String, String> labels = with(series, "reporter", sidecar == clientSidecar ? "source" : "destination");
      assertEquals(connections, awaitAtLeast(sidecar, "istio_tcp_connections_closed_total", labels, connections));
      var scrape = sidecar.metrics(Sidecar.PROMETHEUS_PORT);
      assertAll(sidecar.pod() + " " + labels,
          () -> assertEquals(connections, scrape.sum("istio_tcp_connections_opened_total", labels)),
          () -> assertEquals(connections, scrape.sum("istio_tcp_connections_closed_total", labels)),
          () -> assertEquals(connections * "ping\n".length(), scrape.sum("istio_tcp_received_bytes_total", labels)),
          () -> assertEquals(connections * "pong\n".length(), scrape.sum("istio_tcp_sent_bytes_total", labels)));
    }
  }

  /** Polls until the sum reaches {@code expected} (the telemetry is written as requests end), returns it. */
  private static double awaitAtLeast(Sidecar sidecar, String metric, Map<String, String> labels, int expected) {
    try {
      Waits.until(metric + labels + " >= " + expected + " in " + sidecar.pod(), METRICS_TIMEOUT,
          () -> sidecar.metrics(Sidecar.PROMETHEUS_PORT).sum(metric, labels) >= expected);
    } catch (RuntimeException e) {
      throw new AssertionError(e.getMessage() + "\nhave: " + sidecar.metrics(Sidecar.PROMETHEUS_PORT).matching(metric, Map.of()), e);
    }
    return sidecar.metrics(Sidecar.PROMETHEUS_PORT).sum(metric, labels);
  }

  private static Map<String, String> with(Map<String, String> labels, String name, String value) {
    Map<String, String> copy = new HashMap<>(labels);
    copy.put(name, value);
    return Map.copyOf(copy);
  }
}
