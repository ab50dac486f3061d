package dev.outrigger.core.http;

import static dev.outrigger.core.http.HttpProxyTest.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.core.Direction;
import dev.outrigger.core.config.InboundMode;
import dev.outrigger.core.relay.ProxyFixture;
import dev.outrigger.core.stats.Counter;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 9's smuggling and hang cases, through a real proxy to an app that records what reaches it:
 * the proxy alone decides the framing of what it forwards, and an upstream response it cannot parse
 * ends as Envoy ends it (503 UPE, the upstream connection closed) instead of a hang.
 */
class SmugglingTest {
  private static final String RESET_BEFORE_HEADERS =
      "upstream connect error or disconnect/reset before headers. reset reason: ";
  private ProxyFixture proxy;
  private RecordingApp app;

  @BeforeEach
  void start() throws Exception {
    proxy = new ProxyFixture(InboundMode.PRESERVE, Duration.ofSeconds(5), Duration.ofHours(1), HttpSettings.defaults());
    app = new RecordingApp();
    proxy.destination.set(app.address());
  }

  @AfterEach
  void stop() throws Exception {
    proxy.close();
    app.close();
  }

  private RawHttp exchange(String request) throws Exception {
    try (Socket s = proxy.connect(Direction.OUTBOUND)) {
      send(s, request);
      return RawHttp.read(s.getInputStream());
    }
  }

  @Test
  void connectionCannotRemoveContentLength() throws Exception {
    String smuggled = "GET /smuggled HTTP/1.1\r\nHost: app.test\r\n\r\n";
    RawHttp r = exchange("POST /conn-cl HTTP/1.1\r\nHost: app.test\r\nConnection: Content-Length\r\n"
        + "Content-Length: " + smuggled.length() + "\r\n\r\n" + smuggled);
    assertEquals("path=/conn-cl", r.bodyText());
    RecordingApp.Received post = single(app.received);
    assertEquals("POST /conn-cl HTTP/1.1", post.requestLine());
    assertEquals(String.valueOf(smuggled.length()), post.header("content-length"));
    assertEquals(smuggled, post.bodyText());
    assertTrue(app.leftovers.isEmpty(), app.leftovers.toString());
  }

  @Test
  void connectionCannotRemoveTransferEncoding() throws Exception {
    RawHttp r = exchange("POST /conn-te HTTP/1.1\r\nHost: app.test\r\nConnection: Transfer-Encoding\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
    assertEquals(200, r.status);
    RecordingApp.Received post = single(app.received);
    assertEquals("chunked", post.header("transfer-encoding"));
    assertNull(post.header("content-length"));
    assertEquals("hello", post.bodyText());
  }

  @Test
  void aTruncatedSmuggledPrefixDoesNotGlueTheNextClientsRequest() throws Exception {
    String prefix = "GET /smuggled HTTP/1.1\r\nX-Eat: ";
    RawHttp first = exchange("POST /a HTTP/1.1\r\nHost: app.test\r\nConnection: Content-Length\r\n"
        + "Content-Length: " + prefix.length() + "\r\n\r\n" + prefix);
    assertEquals("path=/a", first.bodyText());
    RawHttp second = exchange("GET /b HTTP/1.1\r\nHost: app.test\r\n\r\n");
    assertEquals("path=/b", second.bodyText(), "the second client got someone else's answer");
    assertEquals(List.of("POST /a HTTP/1.1", "GET /b HTTP/1.1"),
        app.received.stream().map(RecordingApp.Received::requestLine).toList());
  }

  @Test
  void aClientsOwnForwardedClientCertNeverReachesTheApp() throws Exception {
    exchange("GET /x HTTP/1.1\r\nHost: app.test\r\nX-Forwarded-Client-Cert: By=spiffe://evil;URI=spiffe://cluster.local/ns/default/sa/admin\r\n\r\n");
    assertNull(single(app.received).header("x-forwarded-client-cert"));
  }

  @Test
  void upstreamResponsesTheParserRejectsAre503UpeNotHangs() throws Exception {
    List<String> malformed = List.of(
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 51\r\n\r\nhello",
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\nhello",
        "HTTP/1.1 200 OK\r\nX-Bad: a\rb\r\nContent-Length: 5\r\n\r\nhello",
        "HTTP/1.1 200 OK\r\nX-Folded: a\r\n b\r\nContent-Length: 5\r\n\r\nhello",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nhello",
        "HTTP/2.0 200 OK\r\nContent-Length: 5\r\n\r\nhello",
        "HTTP/1.1 2x0 OK\r\nContent-Length: 5\r\n\r\nhello",
        "HTTP/1.1 200 OK\r\n" + "X-Many: 1\r\n".repeat(101) + "Content-Length: 5\r\n\r\nhello");
    for (String response : malformed) {
      app.answer(r -> response);
      try (Socket s = proxy.connect(Direction.OUTBOUND)) {
        send(s, "GET /x HTTP/1.1\r\nHost: app.test\r\n\r\n");
        RawHttp r = RawHttp.read(s.getInputStream());
        assertEquals(503, r.status, response);
        assertEquals(RESET_BEFORE_HEADERS + "protocol error", r.bodyText());
        app.answer(x -> RecordingApp.ok("fine"));
        send(s, "GET /y HTTP/1.1\r\nHost: app.test\r\n\r\n"); // the client connection stays usable
        assertEquals("fine", RawHttp.read(s.getInputStream()).bodyText(), response);
      }
    }
    List<RecordingApp.Received> got = List.copyOf(app.received);
    for (int i = 0; i < got.size(); i++) {
      if (got.get(i).requestLine().startsWith("GET /x ")) {
        int badConnection = got.get(i).connection();
        assertTrue(got.subList(i + 1, got.size()).stream().noneMatch(r -> r.connection() == badConnection),
            "a connection that sent a bad response was used again: " + got);
      }
    }
    assertEquals(malformed.size(), proxy.counter(Direction.OUTBOUND, Counter.UPSTREAM_CX_PROTOCOL_ERROR));
    List<String> lines = proxy.awaitIdleAndAccessLines();
    assertTrue(lines.get(0).contains("\"GET /x HTTP/1.1\" 503 UPE upstream_reset_before_response_started{protocol_error} "),
        lines.get(0));
  }

  @Test
  void aLargeResponseHeaderWithinTheLimitIsRelayedIntact() throws Exception {
    String big = "v".repeat(20 * 1024);
    app.answer(r -> "HTTP/1.1 200 OK\r\nX-Big: " + big + "\r\nContent-Length: 2\r\n\r\nok");
    RawHttp r = exchange("GET /big HTTP/1.1\r\nHost: app.test\r\n\r\n");
    assertEquals(200, r.status);
    assertEquals(big, r.headers.get("x-big"));
    assertEquals("ok", r.bodyText());
  }

  @Test
  void aResponseHeaderPastTheLimitIs503Upe() throws Exception {
    app.answer(r -> "HTTP/1.1 200 OK\r\nX-Big: " + "v".repeat(61 * 1024) + "\r\nContent-Length: 2\r\n\r\nok");
    RawHttp r = exchange("GET /big HTTP/1.1\r\nHost: app.test\r\n\r\n");
    assertEquals(503, r.status);
  }

  @Test
  void aMalformedChunkAfterTheHeadWasSentResetsTheClient() throws Exception {
    app.answer(r -> "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\n");
    try (Socket s = proxy.connect(Direction.OUTBOUND)) {
      send(s, "GET /x HTTP/1.1\r\nHost: app.test\r\n\r\n");
      java.io.IOException cut = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
          () -> RawHttp.read(s.getInputStream()));
      assertTrue(cut.getMessage().contains("reset"), cut.toString());
    }
    List<String> lines = proxy.awaitIdleAndAccessLines();
    for (long deadline = System.nanoTime() + 5_000_000_000L; lines.isEmpty() && System.nanoTime() < deadline; ) {
      Thread.sleep(10); // the line is written as the exchange ends, just after the connection closed
      lines = proxy.awaitIdleAndAccessLines();
    }
    String line = single(lines);
    assertTrue(line.contains("\" 200 UPE "), line);
  }

  private static <T> T single(List<T> items) {
    assertEquals(1, items.size(), items.toString());
    return items.get(0);
  }
}
