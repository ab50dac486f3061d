package dev.outrigger.it.http;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.it.PodNetworkTestBase;
import dev.outrigger.it.apps.Curl;
import dev.outrigger.it.apps.CurlExchange;
import dev.outrigger.it.apps.HeaderEcho;
import dev.outrigger.it.apps.ToolServer;
import dev.outrigger.it.harness.Pod;
import dev.outrigger.it.sidecar.Sidecar;
import dev.outrigger.it.sidecar.SidecarSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The headers Istio's sidecars add, seen by real apps behind a client pod's sidecar and a server
 * pod's sidecar (default settings): curl → client sidecar → server sidecar → nginx echoing what it
 * received. For the trace, a relay pod without sidecar (nginx) sits between the two sidecars and
 * reports the headers on the wire there, so both hops' spans are seen in one request.
 */
class HttpHeadersIT extends PodNetworkTestBase {
  private static final int ECHO_PORT = 8080;
  private static final int ECHO_H2C_PORT = 8082;
  private static final int JDK_APP_PORT = 8090;
  private static final Pattern UUID_V4 = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  private static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");
  private static final Pattern SPAN_ID = Pattern.compile("[0-9a-f]{16}");
  private static final Pattern NUMBER = Pattern.compile("\\d+");

  private Pod client;
  private HeaderEcho echo;
  private HeaderEcho relay;
  private Pod server;

  @Override
  protected String networkName() {
    return "hheaders";
  }

  @BeforeAll
  void startPods() {
    client = network.addPod("client");
    Sidecar.inject(client, SidecarSettings.defaults());
    server = network.addPod("server");
    echo = HeaderEcho.start(server, ECHO_PORT, ECHO_H2C_PORT);
    ToolServer.startHttpApp(server, server.ip(), JDK_APP_PORT);
    Sidecar.inject(server, SidecarSettings.defaults());
    relay = HeaderEcho.startRelay(network.addPod("relay"), ECHO_PORT, ECHO_H2C_PORT, server.ip() + ":" + ECHO_PORT);
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void responseCarriesTheUpstreamServiceTimeAndTheAppsOwnServerHeader(Protocol protocol) {
    CurlExchange response = get(protocol, echo.url(protocol.h2c(), "/timing"), List.of());

    assertAll(response.toString(),
        () -> assertEquals(200, response.status()),
        () -> assertEquals(protocol.curlVersion(), response.httpVersion(), "h2c end to end, HTTP/1.1 kept"),
        () -> assertMatches(NUMBER, response.header("x-envoy-upstream-service-time")),
        () -> assertTrue(response.header("server").startsWith("nginx/"), "server: " + response.header("server")),
        () -> assertEquals(protocol.logName(), seen(response).get(HeaderEcho.PROTOCOL).replace("HTTP/2.0", "HTTP/2"),
            "the protocol nginx was spoken to in"));
  }

  /** A second app, the JDK's HTTP server, which sets a Server header of its own. */
  @Test
  void theJdkAppsServerHeaderIsKeptToo() {
    CurlExchange response = get(Protocol.HTTP_1_1, "http://" + server.ip() + ":" + JDK_APP_PORT + "/headers", List.of());

    assertAll(response.toString(),
        () -> assertEquals(200, response.status()),
        () -> assertEquals(List.of("outrigger-it-http-app"), response.headers().get("server")),
        () -> assertMatches(NUMBER, response.header("x-envoy-upstream-service-time")),
        () -> assertTrue(response.body().contains("x-envoy-attempt-count: 1\n"), "the JDK app's view"));
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void requestIdIsGeneratedWhenAbsent(Protocol protocol) {
    String first = seen(get(protocol, echo.url(protocol.h2c(), "/id"), List.of())).get("x-request-id");
    String second = seen(get(protocol, echo.url(protocol.h2c(), "/id"), List.of())).get("x-request-id");

    assertMatches(UUID_V4, first);
    assertMatches(UUID_V4, second);
    assertNotEquals(first, second, "one id per request");
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void requestIdIsKeptWhenPresent(Protocol protocol) {
    String id = "it-" + UUID.randomUUID();

    Map<String, String> seen = seen(get(protocol, echo.url(protocol.h2c(), "/id"), List.of("-H", "x-request-id: " + id)));

    assertEquals(id, seen.get("x-request-id"));
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void upstreamSeesAttemptCountAndForwardedProtoButNoForwardedFor(Protocol protocol) {
    Map<String, String> seen = seen(get(protocol, echo.url(protocol.h2c(), "/attempt"), List.of()));

    assertAll(seen.toString(),
        () -> assertEquals("1", seen.get("x-envoy-attempt-count")),
        () -> assertEquals("http", seen.get("x-forwarded-proto")),
        () -> assertEquals("", seen.get("x-forwarded-for"), "sidecars add none, as seed 001's httpbin shows"));
  }

  /** RFC 9110 7.6.1: Connection, the headers it names, Keep-Alive, Proxy-Connection and TE stop at each hop. */
  @Test
  void hopByHopHeadersStopAtTheProxy() {
    Map<String, String> seen = seen(get(Protocol.HTTP_1_1, echo.url(false, "/hop"), List.of(
        "-H", "Connection: keep-alive, x-hop", "-H", "x-hop: for the next hop only", "-H", "Keep-Alive: timeout=5",
        "-H", "Proxy-Connection: keep-alive", "-H", "TE: gzip", "-H", "x-end-to-end: kept")));

    assertAll(seen.toString(),
        () -> assertEquals("kept", seen.get("x-end-to-end")),
        () -> assertEquals("", seen.get("x-hop")),
        () -> assertEquals("", seen.get("keep-alive")),
        () -> assertEquals("", seen.get("proxy-connection")),
        () -> assertEquals("", seen.get("te")));
  }

  /** TE offering trailers is kept, as "trailers" alone (Envoy's sanitizeTEHeader; gRPC needs it). */
  @Test
  void teOfferingTrailersIsKeptAsTrailers() {
    Map<String, String> seen = seen(get(Protocol.HTTP_1_1, echo.url(false, "/te"), List.of(
        "-H", "TE: gzip, trailers")));
    assertEquals("trailers", seen.get("te"), seen.toString());
  }

  /**
   * No trace context from the client: the client sidecar starts a trace and its span (no parent);
   * the server sidecar continues the trace with a span whose parent is the client sidecar's.
   */
  @ParameterizedTest
  @EnumSource(Protocol.class)
  void eachSidecarAddsASpanWhoseParentIsThePreviousHop(Protocol protocol) {
    CurlExchange response = get(protocol, relay.url(protocol.h2c(), "/trace"), List.of());
    Map<String, String> wire = relaySaw(response);
    Map<String, String> app = seen(response);

    String traceId = wire.get("x-b3-traceid");
    String clientSpan = wire.get("x-b3-spanid");
    String sampled = wire.get("x-b3-sampled");
    assertAll("between the sidecars " + wire + "\nat the app " + app,
        () -> assertMatches(TRACE_ID, traceId),
        () -> assertMatches(SPAN_ID, clientSpan),
        () -> assertNull(wire.get("x-b3-parentspanid"), "the first span has no parent"),
        () -> assertTrue(sampled.equals("0") || sampled.equals("1"), "x-b3-sampled: " + sampled),
        () -> assertEquals(traceparent(traceId, clientSpan, sampled), wire.get("traceparent")),
        () -> assertEquals(traceId, app.get("x-b3-traceid")),
        () -> assertEquals(clientSpan, app.get("x-b3-parentspanid"), "the server sidecar's parent is the client sidecar's span"),
        () -> assertMatches(SPAN_ID, app.get("x-b3-spanid")),
        () -> assertNotEquals(clientSpan, app.get("x-b3-spanid"), "a new span per hop"),
        () -> assertEquals(sampled, app.get("x-b3-sampled"), "the sampling decision is kept"),
        () -> assertEquals(traceparent(traceId, app.get("x-b3-spanid"), sampled), app.get("traceparent")),
        () -> assertEquals(wire.get("x-request-id"), app.get("x-request-id"), "one request id on both hops"));
  }

  /** The client's own B3 context is continued: same trace, its span as the first parent, its sampling kept. */
  @ParameterizedTest
  @EnumSource(Protocol.class)
  void theClientsB3ContextIsContinued(Protocol protocol) {
    String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    String callerSpan = "00f067aa0ba902b7";

    CurlExchange response = get(protocol, relay.url(protocol.h2c(), "/trace-b3"), List.of(
        "-H", "x-b3-traceid: " + traceId, "-H", "x-b3-spanid: " + callerSpan, "-H", "x-b3-sampled: 1"));

    assertContinued(response, traceId, callerSpan);
  }

  /** Likewise from a W3C traceparent alone: the B3 headers are derived from it. */
  @ParameterizedTest
  @EnumSource(Protocol.class)
  void theClientsW3cContextIsContinued(Protocol protocol) {
    String traceId = "0af7651916cd43dd8448eb211c80319c";
    String callerSpan = "b7ad6b7169203331";

    CurlExchange response = get(protocol, relay.url(protocol.h2c(), "/trace-w3c"), List.of(
        "-H", "traceparent: " + traceparent(traceId, callerSpan, "1")));

    assertContinued(response, traceId, callerSpan);
  }

  private static void assertContinued(CurlExchange response, String traceId, String callerSpan) {
    Map<String, String> wire = relaySaw(response);
    Map<String, String> app = seen(response);
    String clientSpan = wire.get("x-b3-spanid");
    assertAll("between the sidecars " + wire + "\nat the app " + app,
        () -> assertEquals(traceId, wire.get("x-b3-traceid")),
        () -> assertEquals(callerSpan, wire.get("x-b3-parentspanid")),
        () -> assertMatches(SPAN_ID, clientSpan),
        () -> assertNotEquals(callerSpan, clientSpan),
        () -> assertEquals("1", wire.get("x-b3-sampled")),
        () -> assertEquals(traceparent(traceId, clientSpan, "1"), wire.get("traceparent")),
        () -> assertEquals(traceId, app.get("x-b3-traceid")),
        () -> assertEquals(clientSpan, app.get("x-b3-parentspanid")),
        () -> assertNotEquals(clientSpan, app.get("x-b3-spanid")),
        () -> assertEquals("1", app.get("x-b3-sampled")),
        () -> assertEquals(traceparent(traceId, app.get("x-b3-spanid"), "1"), app.get("traceparent")));
  }

  private CurlExchange get(Protocol protocol, String url, List<String> options) {
    List<String> all = new ArrayList<>(protocol.curlOptions());
    all.addAll(options);
    CurlExchange response = Curl.exchange(client, url, all).requireTransfer();
    assertEquals(200, response.status(), response.toString());
    return response;
  }

  private static Map<String, String> seen(CurlExchange response) {
    return HeaderEcho.seen(response.body());
  }

  /** The relay's report of the headers between the two sidecars; absent ones are missing. */
  private static Map<String, String> relaySaw(CurlExchange response) {
    Map<String, String> saw = new HashMap<>();
    response.headers().forEach((name, values) -> {
      if (name.startsWith(HeaderEcho.RELAY_SAW_PREFIX)) {
        saw.put(name.substring(HeaderEcho.RELAY_SAW_PREFIX.length()), values.get(0));
      }
    });
    return saw;
  }

  private static String traceparent(String traceId, String spanId, String sampled) {
    return "00-" + traceId + "-" + spanId + "-" + ("1".equals(sampled) ? "01" : "00");
  }

  private static void assertMatches(Pattern pattern, String value) {
    assertTrue(value != null && pattern.matcher(value).matches(), "'" + value + "' does not match " + pattern);
  }
}
