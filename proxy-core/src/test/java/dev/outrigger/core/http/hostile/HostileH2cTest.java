package dev.outrigger.core.http.hostile;

import static dev.outrigger.core.http.hostile.H2Frames.concat;
import static dev.outrigger.core.http.hostile.H2Frames.data;
import static dev.outrigger.core.http.hostile.H2Frames.headers;
import static dev.outrigger.core.http.hostile.HostileCase.req;

import dev.outrigger.core.Direction;
import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Malformed h2c requests (RFC 9113 8.2 and 8.3: a malformed request is a stream error of type
 * PROTOCOL_ERROR, and Envoy by default ends the connection) from a client whose frames are built by
 * hand. A refused stream gets RST_STREAM or GOAWAY, never a response, and the app gets no byte.
 */
class HostileH2cTest {
  /** What the client must see for its stream 1. */
  enum Outcome {
    /** The app's answer: 200 with "METHOD path" as the body. */
    ANSWERED,
    /** RST_STREAM on stream 1, or GOAWAY, or the connection closed; no response. */
    REFUSED,
    /** The whole connection ends: GOAWAY or close. */
    CONNECTION_ENDED
  }

  /**
   * @param app what the app must receive: these streams exactly; an empty list for not one byte;
   *     null when only "no complete request" is asserted (the head may have been forwarded)
   */
  record H2Case(String name, byte[] frames, Outcome outcome, List<Message> app) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static final String[] GET = {":method", "GET", ":scheme", "http", ":path", "/h2", ":authority", "app.test"};
  private static final String BIG = "b".repeat(20 * 1024);
  private static CorpusRunner runner;

  @BeforeAll
  static void startProxy() throws Exception {
    runner = new CorpusRunner();
    try (RecordingApp app = new RecordingApp(Reply.Script.ECHO)) {
      runner.proxy.destination.set(app.address());
      try (Socket s = runner.proxy.connect(Direction.INBOUND)) {
        H2ClientResult.exchange(s, headers(1, true, GET)); // warm-up: the h2 classes load outside any case
      }
    }
  }

  @AfterAll
  static void stopProxy() {
    runner.close();
  }

  @TestFactory
  Stream<DynamicTest> corpus() {
    return cases().stream().map(c -> DynamicTest.dynamicTest(c.name, () -> run(c)));
  }

  static List<H2Case> cases() {
    List<H2Case> all = new ArrayList<>(List.of(
        new H2Case("a plain GET reaches the app", headers(1, true, GET), Outcome.ANSWERED,
            List.of(appStream("GET /h2", "", ":authority: app.test"))),
        new H2Case("a POST with content-length and a matching DATA frame reaches the app",
            concat(headers(1, false, with(post(), "content-length", "5")), data(1, true, "hello")), Outcome.ANSWERED,
            List.of(appStream("POST /h2", "hello", ":authority: app.test", "content-length: 5"))),
        new H2Case("te: trailers is forwarded (gRPC needs it; RFC 9113 8.2.2 allows it)",
            headers(1, true, with(GET, "te", "trailers")), Outcome.ANSWERED,
            List.of(appStream("GET /h2", "", ":authority: app.test", "te: trailers"))),
        new H2Case("a 20 KiB header passes (Envoy's h2 limit is the same 60 KiB as for HTTP/1)",
            H2Frames.headersInFrames(1, true, with(GET, "x-big", BIG)), Outcome.ANSWERED,
            List.of(appStream("GET /h2", "", ":authority: app.test", "x-big: " + BIG))),
        refused("connection: keep-alive (connection-specific, RFC 9113 8.2.2)", with(GET, "connection", "keep-alive")),
        refused("transfer-encoding: chunked", with(GET, "transfer-encoding", "chunked")),
        refused("keep-alive: timeout=5", with(GET, "keep-alive", "timeout=5")),
        refused("proxy-connection: keep-alive", with(GET, "proxy-connection", "keep-alive")),
        refused("upgrade: websocket", with(GET, "upgrade", "websocket")),
        refused("an uppercase header name (RFC 9113 8.2.1)", with(GET, "X-Upper", "1")),
        refused("te other than trailers", with(GET, "te", "gzip")),
        refused("a header name with a space", with(GET, "x bad", "1")),
        refused("CR LF inside a header value (HTTP/1 header injection)", with(GET, "x-inject", "a\r\nx-evil: 1")),
        refused("a NUL inside a header value", with(GET, "x-nul", "a\u0000b")),
        refused("no :path", ":method", "GET", ":scheme", "http", ":authority", "app.test"),
        refused("no :method", ":scheme", "http", ":path", "/h2", ":authority", "app.test"),
        refused("no :scheme", ":method", "GET", ":path", "/h2", ":authority", "app.test"),
        refused("an empty :path", ":method", "GET", ":scheme", "http", ":path", "", ":authority", "app.test"),
        refused("two :path pseudo-headers", with(GET, ":path", "/other")),
        refused("a pseudo-header after a regular header", "x-first", "1", ":method", "GET", ":scheme", "http",
            ":path", "/h2", ":authority", "app.test"),
        refused("an unknown pseudo-header", with(GET, ":foo", "bar")),
        new H2Case("content-length larger than the DATA sent (RFC 9113 8.1.1)",
            concat(headers(1, false, with(post(), "content-length", "10")), data(1, true, "hello")), Outcome.REFUSED,
            null),
        new H2Case("content-length smaller than the DATA sent",
            concat(headers(1, false, with(post(), "content-length", "2")), data(1, true, "hello")), Outcome.REFUSED,
            null),
        new H2Case("flood: a header block continued without end is refused at the header limit",
            continuationFlood(), Outcome.REFUSED, List.of()),
        new H2Case("flood: 300 streams opened and reset at once (rapid reset, CVE-2023-44487) end the connection",
            rapidReset(300), Outcome.CONNECTION_ENDED, null)));
    return all;
  }

  private void run(H2Case c) throws Exception {
    try (RecordingApp app = new RecordingApp(Reply.Script.ECHO)) {
      runner.proxy.destination.set(app.address());
      H2ClientResult got;
      try (Socket s = runner.proxy.connect(Direction.INBOUND)) {
        got = H2ClientResult.exchange(s, c.frames());
        app.awaitQuiet(ClientResult.QUIET_MILLIS);
      }
      List<String> failures = new ArrayList<>();
      boolean clientOk = switch (c.outcome()) {
        case ANSWERED -> got.complete() && Integer.valueOf(200).equals(got.status()) && got.body().equals(answerOf(c));
        case REFUSED -> got.refused();
        case CONNECTION_ENDED -> got.goAway() != null || got.closed();
      };
      if (!clientOk) {
        String wanted = switch (c.outcome()) {
          case ANSWERED -> "200 \"" + answerOf(c) + "\"";
          case REFUSED -> "RST_STREAM or GOAWAY and no response";
          case CONNECTION_ENDED -> "GOAWAY or the connection closed";
        };
        failures.add("the client expected " + wanted + " but got " + got);
      }
      String appGot = CorpusRunner.renderConnections(app.connections(), false);
      if (c.app() == null) {
        if (appGot.contains(" END_STREAM\n") || appGot.contains("HTTP/1.1\n")) {
          failures.add("a complete request reached the app:\n" + appGot);
        }
      } else {
        StringBuilder want = new StringBuilder();
        c.app().forEach(m -> want.append(m.render(Message.RANDOM_PROXY_HEADERS)));
        String wantText = want.toString();
        if (!wantText.equals(appGot) || (c.app().isEmpty() && !app.connections().isEmpty())) {
          failures.add("the app expected:\n" + (wantText.isEmpty() ? "(not one byte)\n" : wantText) + "but got:\n"
              + (appGot.isEmpty() && !app.connections().isEmpty() ? "a connection with bytes but no request\n"
                  : appGot.isEmpty() ? "(nothing)\n" : appGot));
        }
      }
      if (!failures.isEmpty()) {
        throw new AssertionError(c.name() + "\n\n" + String.join("\n\n", failures));
      }
    }
  }

  private static String answerOf(H2Case c) {
    return c.app().get(0).startLine().substring(0, c.app().get(0).startLine().indexOf(" HTTP/2"));
  }

  private static H2Case refused(String name, String... fields) {
    return new H2Case(name, headers(1, true, fields), Outcome.REFUSED, List.of());
  }

  /** The request the h2 app must see, pseudo-headers included; ":method :path" come from the start line. */
  private static Message appStream(String methodAndPath, String body, String... more) {
    String[] method = methodAndPath.split(" ");
    List<String> fields = new ArrayList<>(List.of(":method: " + method[0], ":path: " + method[1], ":scheme: http"));
    fields.addAll(List.of(more));
    return req(methodAndPath + " HTTP/2 END_STREAM", fields.toArray(String[]::new)).withBody(body);
  }

  private static String[] post() {
    String[] p = GET.clone();
    p[1] = "POST";
    return p;
  }

  private static String[] with(String[] fields, String name, String value) {
    String[] r = java.util.Arrays.copyOf(fields, fields.length + 2);
    r[fields.length] = name;
    r[fields.length + 1] = value;
    return r;
  }

  /** HEADERS then RST_STREAM(CANCEL) for streams 3, 5, 7, ... (stream 1 is left unused). */
  private static byte[] rapidReset(int streams) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int i = 0; i < streams; i++) {
      int id = 3 + 2 * i;
      b.writeBytes(headers(id, false, GET));
      b.writeBytes(H2Frames.rstStream(id, 0x8));
    }
    return b.toByteArray();
  }

  /** HEADERS without END_HEADERS, then 128 KiB of CONTINUATION frames, none of them the last. */
  private static byte[] continuationFlood() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(H2Frames.frame(H2Frames.HEADERS, H2Frames.END_STREAM, 1, H2Frames.literalBlock(GET)));
    byte[] fragment = H2Frames.literalBlock("x-flood", "f".repeat(1000));
    for (int i = 0; i < 128; i++) {
      b.writeBytes(H2Frames.frame(H2Frames.CONTINUATION, 0, 1, fragment));
    }
    return b.toByteArray();
  }
}
