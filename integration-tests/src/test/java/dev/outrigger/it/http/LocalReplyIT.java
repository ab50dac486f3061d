package dev.outrigger.it.http;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.it.PodNetworkTestBase;
import dev.outrigger.it.apps.Curl;
import dev.outrigger.it.apps.CurlExchange;
import dev.outrigger.it.apps.HeaderEcho;
import dev.outrigger.it.apps.ToolServer;
import dev.outrigger.it.apps.tool.ServerBehaviour;
import dev.outrigger.it.harness.CommandResult;
import dev.outrigger.it.harness.Pod;
import dev.outrigger.it.sidecar.Sidecar;
import dev.outrigger.it.sidecar.SidecarSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Envoy's local replies, as curl gets them through a client pod's sidecar (route timeout 500 ms)
 * and a server pod's sidecar, with the response flag each sidecar logs. The server pod's JDK app
 * answers HTTP/1.1; an nginx in front of it on 127.0.0.1 takes h2c, so both protocols reach it.
 */
class LocalReplyIT extends PodNetworkTestBase {
  private static final String CONNECT_FAILURE =
      "upstream connect error or disconnect/reset before headers. reset reason: connection failure";
  private static final long ROUTE_TIMEOUT_MILLIS = 500;
  private static final int APP_PORT = 8090;
  private static final int APP_VIA_NGINX_PORT = 8091;
  private static final int APP_VIA_NGINX_H2C_PORT = 8092;
  private static final int NOTHING_LISTENS_PORT = 8081;
  private static final int RESET_PORT = 8083;
  private static final int CLOSE_PORT = 8084;
  private static final long SLOW_MILLIS = 5000;

  private Pod client;
  private Sidecar clientSidecar;
  private Pod server;
  private Sidecar serverSidecar;
  private Pod unmeshed;

  @Override
  protected String networkName() {
    return "hreply";
  }

  @BeforeAll
  void startPods() {
    client = network.addPod("client");
    clientSidecar = Sidecar.inject(client, SidecarSettings.defaults()
        .with(SidecarSettings.ROUTE_TIMEOUT, ROUTE_TIMEOUT_MILLIS + "ms"));
    server = network.addPod("server");
    ToolServer.startHttpApp(server, server.ip(), APP_PORT);
    ToolServer.startHttpApp(server, "127.0.0.1", APP_PORT);
    HeaderEcho.startRelay(server, APP_VIA_NGINX_PORT, APP_VIA_NGINX_H2C_PORT, "127.0.0.1:" + APP_PORT);
    ToolServer.start(server, ServerBehaviour.RESET_AFTER_READ, server.ip(), RESET_PORT);
    ToolServer.start(server, ServerBehaviour.CLOSE_AFTER_REQUEST, server.ip(), CLOSE_PORT);
    serverSidecar = Sidecar.inject(server, SidecarSettings.defaults());
    unmeshed = network.addPod("unmeshed");
  }

  /** The app's port is closed: the server sidecar answers 503 UF; the client sidecar passes it on. */
  @ParameterizedTest
  @EnumSource(Protocol.class)
  void appDownIs503WithFlagUf(Protocol protocol) {
    String path = "/down-" + protocol.curlVersion();

    CurlExchange response = request(protocol, url(server, NOTHING_LISTENS_PORT, path));

    assertEquals(503, response.status(), response.toString());
    assertEquals(CONNECT_FAILURE, response.body(), response.toString());
    HttpLogLine atServer = AccessLogs.byPath(serverSidecar, path);
    assertAll(atServer.toString(),
        () -> assertEquals(503, atServer.responseCode()),
        () -> assertEquals("UF", atServer.responseFlags()),
        () -> assertEquals("upstream_reset_before_response_started{connection_failure}", atServer.responseCodeDetails()),
        () -> assertEquals("delayed connect error: Connection refused", atServer.upstreamTransportFailureReason()),
        () -> assertEquals(server.ip() + ":" + NOTHING_LISTENS_PORT, atServer.upstreamHost()),
        () -> assertEquals(CONNECT_FAILURE.length(), atServer.bytesSent()));
    HttpLogLine atClient = AccessLogs.byPath(clientSidecar, path);
    assertAll(atClient.toString(),
        () -> assertEquals(503, atClient.responseCode()),
        () -> assertEquals("-", atClient.responseFlags(), "the client sidecar got its 503 from upstream"),
        () -> assertEquals("via_upstream", atClient.responseCodeDetails()));
  }

  /** Nothing listens and no sidecar answers for it: the client sidecar's own 503 UF. */
  @Test
  void unreachableDestinationIs503WithFlagUfAtTheClientSidecar() {
    String path = "/unreachable";

    CurlExchange response = request(Protocol.HTTP_1_1, url(unmeshed, NOTHING_LISTENS_PORT, path));

    assertEquals(503, response.status(), response.toString());
    assertEquals(CONNECT_FAILURE, response.body(), response.toString());
    HttpLogLine atClient = AccessLogs.byPath(clientSidecar, path);
    assertAll(atClient.toString(),
        () -> assertEquals("UF", atClient.responseFlags()),
        () -> assertEquals(unmeshed.ip() + ":" + NOTHING_LISTENS_PORT, atClient.upstreamHost()),
        () -> assertEquals("outbound|" + NOTHING_LISTENS_PORT + "||" + unmeshed.ip(), atClient.upstreamCluster()));
  }

  /** The app answers after 5 s; the client sidecar's route timeout gives 504 UT after 500 ms. */
  @ParameterizedTest
  @EnumSource(Protocol.class)
  void slowAppIs504WithFlagUtAfterTheRouteTimeout(Protocol protocol) {
    String path = "/slow/" + (SLOW_MILLIS + (protocol.h2c() ? 2 : 1));
    int port = protocol.h2c() ? APP_VIA_NGINX_H2C_PORT : APP_VIA_NGINX_PORT;

    Instant before = Instant.now();
    CurlExchange response = request(protocol, url(server, port, path));
    long tookMillis = Duration.between(before, Instant.now()).toMillis();

    assertAll(response.toString(),
        () -> assertEquals(504, response.status()),
        () -> assertEquals("upstream request timeout", response.body()),
        () -> assertTrue(tookMillis >= ROUTE_TIMEOUT_MILLIS && tookMillis < SLOW_MILLIS, "took " + tookMillis + " ms"));
    HttpLogLine atClient = AccessLogs.byPath(clientSidecar, path);
    assertAll(atClient.toString(),
        () -> assertEquals(504, atClient.responseCode()),
        () -> assertEquals("UT", atClient.responseFlags()),
        () -> assertEquals("response_timeout", atClient.responseCodeDetails()),
        () -> assertTrue(atClient.durationMillis() >= ROUTE_TIMEOUT_MILLIS && atClient.durationMillis() < SLOW_MILLIS,
            "duration " + atClient.durationMillis()));
    // The client sidecar gave up on the request: to the server sidecar, its client went away.
    HttpLogLine atServer = AccessLogs.byPath(serverSidecar, path);
    assertEquals("DC", atServer.responseFlags(), atServer.toString());
  }

  /** A header name with a space (RFC 9112 5.1): 400 from the client sidecar, which then closes. */
  @Test
  void malformedRequestIs400AndTheConnectionIsClosed() {
    String request = "GET /malformed HTTP/1.1\r\nHost: " + server.ip() + "\r\nBad Header: x\r\n\r\n";

    // --no-shutdown: ncat sends no FIN after the request, so only the proxy's close ends it; the
    // timeout (exit 124) says the connection stayed open.
    CommandResult result = client.exec(Duration.ofSeconds(20), request.getBytes(StandardCharsets.US_ASCII),
        List.of("timeout", "10", "ncat", "--no-shutdown", server.ip(), String.valueOf(APP_PORT)));

    assertTrue(result.stdout().startsWith("HTTP/1.1 400 "), result.describe());
    assertEquals(0, result.exitCode(), "the proxy closes the connection after the 400\n" + result.describe());
    String line = clientSidecar.awaitAccessLog("the 400's line", l -> l.contains("\" 400 DPE "));
    assertTrue(line.contains("http1.codec_error"), line);
  }

  /** Request headers of 61 KiB, over the 60 KiB limit: 431. Just under it, the request goes through. */
  @Test
  void headersOverTheLimitAre431() {
    CurlExchange over = request(Protocol.HTTP_1_1, url(server, APP_PORT, "/big-headers"),
        "-H", "x-big: " + "a".repeat(61 * 1024));
    CurlExchange under = request(Protocol.HTTP_1_1, url(server, APP_PORT, "/headers-under-the-limit"),
        "-H", "x-big: " + "a".repeat(59 * 1024));

    assertEquals(431, over.status(), over.toString());
    HttpLogLine atClient = AccessLogs.byPath(clientSidecar, "/big-headers");
    assertAll(atClient.toString(),
        () -> assertEquals(431, atClient.responseCode()),
        () -> assertEquals("DPE", atClient.responseFlags()));
    assertEquals(200, under.status(), under.toString());
    assertTrue(under.body().contains("x-big: " + "a".repeat(59 * 1024) + "\n"), "the app got the whole header");
  }

  /** The app resets the connection after reading the request: 503 UR. */
  @Test
  void appResetBeforeHeadersIs503WithFlagUr() {
    CurlExchange response = request(Protocol.HTTP_1_1, url(server, RESET_PORT, "/reset"));

    assertEquals(503, response.status(), response.toString());
    assertEquals("upstream connect error or disconnect/reset before headers. reset reason: remote reset",
        response.body(), response.toString());
    assertEquals("UR", AccessLogs.byPath(serverSidecar, "/reset").responseFlags());
  }

  /** The app closes the connection after reading the request: 503 UC. */
  @Test
  void appCloseBeforeHeadersIs503WithFlagUc() {
    CurlExchange response = request(Protocol.HTTP_1_1, url(server, CLOSE_PORT, "/close"));

    assertEquals(503, response.status(), response.toString());
    assertEquals("upstream connect error or disconnect/reset before headers. reset reason: connection termination",
        response.body(), response.toString());
    assertEquals("UC", AccessLogs.byPath(serverSidecar, "/close").responseFlags());
  }

  private CurlExchange request(Protocol protocol, String url, String... options) {
    List<String> all = new ArrayList<>(protocol.curlOptions());
    all.addAll(List.of(options));
    return Curl.exchange(client, url, all).requireTransfer();
  }

  private static String url(Pod pod, int port, String path) {
    return "http://" + pod.ip() + ":" + port + path;
  }
}
