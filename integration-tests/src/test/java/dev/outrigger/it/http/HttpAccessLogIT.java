package dev.outrigger.it.http;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.it.PodNetworkTestBase;
import dev.outrigger.it.apps.Curl;
import dev.outrigger.it.apps.CurlExchange;
import dev.outrigger.it.apps.HeaderEcho;
import dev.outrigger.it.apps.ToolServer;
import dev.outrigger.it.harness.Pod;
import dev.outrigger.it.sidecar.InboundMode;
import dev.outrigger.it.sidecar.Sidecar;
import dev.outrigger.it.sidecar.SidecarSettings;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The access-log lines of one HTTP request on the client pod's sidecar (outbound) and the server
 * pod's sidecar (inbound), field by field against the real addresses: curl's own port, the pod IPs,
 * the app's view of its peer (nginx echoes $remote_addr:$remote_port), the request id the app got.
 * Text format in both inbound modes; Istio's JSON encoding parsed with Jackson.
 */
class HttpAccessLogIT extends PodNetworkTestBase {
  private static final int PORT = 8080;
  private static final int H2C_PORT = 8082;
  private static final int BODY_PORT = 8091;
  private static final int BODY_H2C_PORT = 8092;
  private static final int APP_PORT = 8090;
  // Not the size of the response, so swapped byte counts cannot pass unnoticed.
  private static final String REQUEST_BODY = "q".repeat(1234);
  /** Istio's JSON access-log keys (pilot's EnvoyJSONLogFormatIstio), no more, no fewer. */
  private static final Set<String> ISTIO_JSON_KEYS = new TreeSet<>(List.of(
      "start_time", "route_name", "method", "path", "protocol", "response_code", "response_flags",
      "response_code_details", "connection_termination_details", "bytes_received", "bytes_sent", "duration",
      "upstream_service_time", "x_forwarded_for", "user_agent", "request_id", "authority", "upstream_host",
      "upstream_cluster", "upstream_local_address", "downstream_local_address", "downstream_remote_address",
      "requested_server_name", "upstream_transport_failure_reason"));

  private final Map<InboundMode, Sidecar> textServers = new EnumMap<>(InboundMode.class);
  private Sidecar textClient;
  private Sidecar jsonClient;
  private Sidecar jsonServer;

  @Override
  protected String networkName() {
    return "hlog";
  }

  @BeforeAll
  void startPods() {
    textClient = Sidecar.inject(network.addPod("client"), SidecarSettings.defaults());
    for (InboundMode mode : InboundMode.values()) {
      Pod server = network.addPod("server-" + mode.envValue());
      HeaderEcho.start(server, PORT, H2C_PORT);
      if (mode == InboundMode.PRESERVE) {
        // An app that reads the whole request body before it answers, for HTTP/1.1 and (nginx) h2c.
        ToolServer.startHttpApp(server, "127.0.0.1", APP_PORT);
        HeaderEcho.startRelay(server, BODY_PORT, BODY_H2C_PORT, "127.0.0.1:" + APP_PORT);
      }
      textServers.put(mode, Sidecar.inject(server, SidecarSettings.inboundMode(mode)));
    }
    SidecarSettings json = SidecarSettings.defaults().with(SidecarSettings.ACCESS_LOG_ENCODING, "JSON");
    jsonClient = Sidecar.inject(network.addPod("client-json"), json);
    Pod server = network.addPod("server-json");
    HeaderEcho.start(server, PORT, H2C_PORT);
    jsonServer = Sidecar.inject(server, json);
  }

  static Stream<Arguments> modesAndProtocols() {
    return Stream.of(InboundMode.values()).flatMap(mode -> Stream.of(Protocol.values()).map(p -> Arguments.of(mode, p)));
  }

  @ParameterizedTest(name = "{0} mode, {1}")
  @MethodSource("modesAndProtocols")
  void textLinesOnBothSidecarsNameTheRealAddresses(InboundMode mode, Protocol protocol) {
    Sidecar server = textServers.get(mode);
    Request r = Request.send(textClient.pod(), server.pod(), protocol, "/text-" + mode.envValue());

    HttpLogLine outbound = AccessLogs.byRequestId(textClient, r.requestId());
    HttpLogLine inbound = AccessLogs.byRequestId(server, r.requestId());

    assertLines(r, mode, outbound, inbound);
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void jsonLinesHaveIstiosKeysAndTheSameValues(Protocol protocol) {
    Request r = Request.send(jsonClient.pod(), jsonServer.pod(), protocol, "/json");

    String outboundText = jsonClient.awaitAccessLog("a JSON line", l -> l.contains("\"" + r.requestId() + "\""));
    String inboundText = jsonServer.awaitAccessLog("a JSON line", l -> l.contains("\"" + r.requestId() + "\""));

    assertEquals(ISTIO_JSON_KEYS, keys(outboundText), outboundText);
    assertEquals(ISTIO_JSON_KEYS, keys(inboundText), inboundText);
    assertLines(r, InboundMode.PRESERVE, HttpLogLine.parseJson(outboundText), HttpLogLine.parseJson(inboundText));
    // Stdout is the access log alone: every line the JSON sidecars printed is a JSON object.
    Stream.concat(jsonClient.flushedAccessLog().stream(), jsonServer.accessLog().stream())
        .forEach(line -> assertTrue(HttpLogLine.json(line).isObject(), line));
  }

  /**
   * bytes_received is the request body. The app here reads all of it before answering: nginx's
   * return in the echo answers at once, and the log line may then be written before the body went by.
   */
  @ParameterizedTest
  @EnumSource(Protocol.class)
  void requestBodyBytesAreCountedOnBothSidecars(Protocol protocol) {
    Pod server = textServers.get(InboundMode.PRESERVE).pod();
    String path = "/sha256?log-" + protocol.curlVersion();
    List<String> options = new ArrayList<>(protocol.curlOptions());
    options.addAll(List.of("--data-binary", REQUEST_BODY));

    CurlExchange response = Curl.exchange(textClient.pod(),
        "http://" + server.ip() + ":" + (protocol.h2c() ? BODY_H2C_PORT : BODY_PORT) + path, options).requireTransfer();

    assertTrue(response.body().contains("bytes: " + REQUEST_BODY.length() + "\n"), response.toString());
    for (Sidecar sidecar : List.of(textClient, textServers.get(InboundMode.PRESERVE))) {
      HttpLogLine line = AccessLogs.byPath(sidecar, path);
      assertAll(sidecar.pod() + ": " + line,
          () -> assertEquals("POST", line.method()),
          () -> assertEquals(REQUEST_BODY.length(), line.bytesReceived()),
          () -> assertEquals(response.body().length(), line.bytesSent()));
    }
  }

  private static void assertLines(Request r, InboundMode mode, HttpLogLine outbound, HttpLogLine inbound) {
    Pod client = r.client();
    Pod server = r.server();
    String destination = server.ip() + ":" + r.port();
    String appAddress = mode == InboundMode.PRESERVE ? destination : "127.0.0.1:" + r.port();
    String magicSource = mode == InboundMode.PRESERVE ? Sidecar.INBOUND_PASSTHROUGH_BIND : "127.0.0.1";
    assertAll("outbound: " + outbound,
        () -> assertCommonFields(r, outbound),
        () -> assertEquals(destination, outbound.upstreamHost()),
        () -> assertEquals("outbound|" + r.port() + "||" + server.ip(), outbound.upstreamCluster()),
        () -> assertEquals(client.ip(), HttpLogLine.ip(outbound.upstreamLocalAddress())),
        () -> assertEquals(destination, outbound.downstreamLocalAddress(), "the original destination"),
        () -> assertEquals(client.ip() + ":" + r.response().localPort(), outbound.downstreamRemoteAddress(), "curl"));
    assertAll("inbound: " + inbound,
        () -> assertCommonFields(r, inbound),
        () -> assertEquals(appAddress, inbound.upstreamHost()),
        () -> assertEquals(r.seen().get(HeaderEcho.LOCAL_ADDRESS), inbound.upstreamHost(), "the app's local address"),
        () -> assertEquals("inbound|" + r.port() + "||", inbound.upstreamCluster()),
        () -> assertEquals(magicSource, HttpLogLine.ip(inbound.upstreamLocalAddress())),
        () -> assertEquals(r.seen().get(HeaderEcho.REMOTE_ADDRESS), inbound.upstreamLocalAddress(), "the app's peer"),
        () -> assertEquals(destination, inbound.downstreamLocalAddress(), "the original destination"),
        () -> assertEquals(outbound.upstreamLocalAddress(), inbound.downstreamRemoteAddress(),
            "the client sidecar's upstream socket is the server sidecar's downstream peer"));
  }

  private static void assertCommonFields(Request r, HttpLogLine line) {
    assertAll(
        () -> assertFalse(line.start().isBefore(r.before().minusMillis(1)), "start " + line.start() + " before " + r.before()),
        () -> assertFalse(line.start().isAfter(r.after().plusMillis(1)), "start " + line.start() + " after " + r.after()),
        () -> assertEquals("GET", line.method()),
        () -> assertEquals(r.path(), line.path()),
        () -> assertEquals(r.protocol().logName(), line.protocol()),
        () -> assertEquals(200, line.responseCode()),
        () -> assertEquals("-", line.responseFlags()),
        () -> assertEquals("via_upstream", line.responseCodeDetails()),
        () -> assertEquals("-", line.connectionTerminationDetails()),
        () -> assertEquals("-", line.upstreamTransportFailureReason()),
        () -> assertEquals(0, line.bytesReceived(), "a GET has no body"),
        () -> assertEquals(r.response().body().length(), line.bytesSent(), "response body bytes"),
        () -> assertTrue(line.durationMillis() <= r.after().toEpochMilli() - r.before().toEpochMilli() + 1,
            "duration " + line.durationMillis() + " ms longer than curl ran"),
        () -> assertTrue(Long.parseLong(line.upstreamServiceTime()) <= line.durationMillis(), "service time"),
        () -> assertEquals("-", line.xForwardedFor()),
        () -> assertTrue(line.userAgent().startsWith("curl/"), line.userAgent()),
        () -> assertEquals(r.seen().get("x-request-id"), line.requestId(), "the id the app got"),
        () -> assertEquals(r.server().ip() + ":" + r.port(), line.authority()),
        () -> assertEquals("-", line.requestedServerName()),
        () -> assertEquals("default", line.routeName()));
  }

  private static Set<String> keys(String jsonLine) {
    Set<String> keys = new TreeSet<>();
    for (Iterator<String> names = HttpLogLine.json(jsonLine).fieldNames(); names.hasNext(); ) {
      keys.add(names.next());
    }
    return keys;
  }

  /** One GET from the client pod to the server pod's echo, without a request id of its own. */
  private record Request(Pod client, Pod server, Protocol protocol, int port, String path, Instant before,
      Instant after, CurlExchange response, Map<String, String> seen) {

    static Request send(Pod client, Pod server, Protocol protocol, String pathPrefix) {
      int port = protocol.h2c() ? H2C_PORT : PORT;
      String path = pathPrefix + "-" + protocol.curlVersion();
      Instant before = Instant.now();
      CurlExchange response = Curl.exchange(client, "http://" + server.ip() + ":" + port + path, protocol.curlOptions())
          .requireTransfer();
      Instant after = Instant.now();
      assertEquals(200, response.status(), response.toString());
      return new Request(client, server, protocol, port, path, before, after, response,
          HeaderEcho.seen(response.body()));
    }

    String requestId() {
      return seen.get("x-request-id");
    }
  }
}
