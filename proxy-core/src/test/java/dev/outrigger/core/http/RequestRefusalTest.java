package dev.outrigger.core.http;

import static dev.outrigger.core.http.HttpProxyTest.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.core.Direction;
import dev.outrigger.core.config.InboundMode;
import dev.outrigger.core.relay.ProxyFixture;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Requests Envoy's HTTP/1 codec refuses, refused the same way here: the status and
 * response_code_details Envoy gives, the client connection closed after, nothing sent upstream.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RequestRefusalTest {
  private ProxyFixture proxy;
  private RecordingApp app;

  @BeforeAll
  void start() throws Exception {
    proxy = new ProxyFixture(InboundMode.PRESERVE, Duration.ofSeconds(5), Duration.ofHours(1), HttpSettings.defaults());
    app = new RecordingApp();
    proxy.destination.set(app.address());
  }

  @AfterAll
  void stop() throws Exception {
    proxy.close();
    app.close();
  }

  static Stream<Arguments> refused() {
    String h = "Host: app.test\r\n";
    return Stream.of(
        Arguments.of("two Host headers", "GET / HTTP/1.1\r\n" + h + "Host: other.test\r\n\r\n", 400, "http1.codec_error"),
        Arguments.of("no Host in HTTP/1.1", "GET / HTTP/1.1\r\nX-A: 1\r\n\r\n", 400, "http1.codec_error"),
        Arguments.of("HTTP/2.0 in an HTTP/1 request line", "GET / HTTP/2.0\r\n" + h + "\r\n", 400, "http1.codec_error"),
        Arguments.of("HTTP/3.0", "GET / HTTP/3.0\r\n" + h + "\r\n", 400, "http1.codec_error"),
        Arguments.of("obs-fold", "GET / HTTP/1.1\r\n" + h + "X-A: 1\r\n 2\r\n\r\n", 400, "http1.codec_error"),
        Arguments.of("whitespace before the colon", "GET / HTTP/1.1\r\n" + h + "X-A : 1\r\n\r\n", 400, "http1.codec_error"),
        Arguments.of("NUL in a value", "GET / HTTP/1.1\r\n" + h + "X-A: a\0b\r\n\r\n", 400, "http1.codec_error"),
        Arguments.of("101 header fields", "GET / HTTP/1.1\r\n" + h + "X-A: 1\r\n".repeat(100) + "\r\n", 431,
            "http1.too_many_headers"),
        Arguments.of("gzip, chunked", "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501,
            "http1.invalid_transfer_encoding"),
        Arguments.of("identity coding", "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: identity\r\n\r\n", 501,
            "http1.invalid_transfer_encoding"),
        Arguments.of("chunked twice", "POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            501, "http1.invalid_transfer_encoding"),
        Arguments.of("chunked with Content-Length", "POST / HTTP/1.1\r\n" + h
            + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, "http1.codec_error"),
        Arguments.of("two Content-Lengths", "POST / HTTP/1.1\r\n" + h + "Content-Length: 1\r\nContent-Length: 1\r\n\r\nx", 400,
            "http1.codec_error"),
        Arguments.of("signed Content-Length", "POST / HTTP/1.1\r\n" + h + "Content-Length: +1\r\n\r\nx", 400, "http1.codec_error"),
        Arguments.of("Connection nominating X-Forwarded-For", "GET / HTTP/1.1\r\n" + h + "Connection: X-Forwarded-For\r\n\r\n",
            400, "http1.connection_header_rejected"),
        Arguments.of("ten Connection tokens", "GET / HTTP/1.1\r\n" + h + "Connection: a,b,c,d,e,f,g,h,i,j\r\n\r\n", 400,
            "http1.connection_header_rejected"),
        Arguments.of("https in the clear", "GET https://app.test/ HTTP/1.1\r\n" + h + "\r\n", 400, "http1.invalid_url"),
        Arguments.of("another scheme", "GET ftp://app.test/ HTTP/1.1\r\n" + h + "\r\n", 400, "http1.invalid_url"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void isRefusedAndNothingReachesTheApp(String name, String request, int status, String details) throws Exception {
    int before = app.received.size();
    try (Socket s = proxy.connect(Direction.OUTBOUND)) {
      send(s, request);
      RawHttp r = RawHttp.read(s.getInputStream());
      assertEquals(status, r.status);
      assertEquals("close", r.headers.get("connection"));
      assertEquals(-1, s.getInputStream().read(), "the connection is closed after the refusal");
    }
    assertEquals(before, app.received.size(), "a refused request reached the app");
    String line = proxy.awaitIdleAndAccessLines().stream().reduce((a, b) -> b).orElseThrow();
    assertTrue(line.contains(" " + status + " DPE " + details + " "), line);
  }

  @Test
  void exactlyOneHundredHeaderFieldsPass() throws Exception {
    try (Socket s = proxy.connect(Direction.OUTBOUND)) {
      send(s, "GET /hundred HTTP/1.1\r\nHost: app.test\r\n" + "X-A: 1\r\n".repeat(99) + "\r\n");
      assertEquals(200, RawHttp.read(s.getInputStream()).status);
    }
  }

  @Test
  void anAbsoluteFormTargetReplacesHost() throws Exception {
    try (Socket s = proxy.connect(Direction.OUTBOUND)) {
      send(s, "GET http://other.test:8080/x?q=1 HTTP/1.1\r\nHost: app.test\r\n\r\n");
      assertEquals("path=/x?q=1", RawHttp.read(s.getInputStream()).bodyText());
    }
    RecordingApp.Received r = app.received.get(app.received.size() - 1);
    assertEquals("GET /x?q=1 HTTP/1.1", r.requestLine());
    assertEquals(List.of("other.test:8080"), r.head().lines().filter(l -> l.toLowerCase().startsWith("host:"))
        .map(l -> l.substring(5).trim()).toList());
  }

  @Test
  void connectionStillRemovesTheHeadersItNames() throws Exception {
    try (Socket s = proxy.connect(Direction.OUTBOUND)) {
      send(s, "GET /hop HTTP/1.1\r\nHost: app.test\r\nConnection: X-Hop, Host\r\nX-Hop: 1\r\nX-Keep: 2\r\n\r\n");
      assertEquals(200, RawHttp.read(s.getInputStream()).status);
    }
    RecordingApp.Received r = app.received.get(app.received.size() - 1);
    assertEquals(null, r.header("x-hop"));
    assertEquals("2", r.header("x-keep"));
    assertEquals("app.test", r.header("host"));
  }
}
