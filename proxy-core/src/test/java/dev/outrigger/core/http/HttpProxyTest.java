package dev.outrigger.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.core.Direction;
import dev.outrigger.core.config.InboundMode;
import dev.outrigger.core.relay.ProxyFixture;
import dev.outrigger.core.stats.Counter;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HTTP/1.1 through the proxy, against a real HTTP server, with byte-level clients. */
class HttpProxyTest {
  private ProxyFixture proxy;
  private HttpApp app;

  @BeforeEach
  void start() throws Exception {
    proxy = new ProxyFixture(InboundMode.PRESERVE, Duration.ofSeconds(5), Duration.ofHours(1), HttpSettings.defaults());
    app = new HttpApp();
    proxy.destination.set(app.address());
  }

  @AfterEach
  void stop() {
    proxy.close();
    app.close();
  }

  @Test
  void addsIstiosRequestHeadersAndKeepsTheAppsServerHeader() throws Exception {
    try (Socket s = proxy.connect(Direction.OUTBOUND)) {
      send(s, "GET /echo-headers HTTP/1.1\r\nHost: reviews.default:9080\r\nUser-Agent: test/1\r\n\r\n");
      RawHttp r = RawHttp.read(s.getInputStream());
      assertEquals(200, r.status);
      assertEquals("the-app", r.headers.get("server"));
      assertTrue(r.headers.get("x-envoy-upstream-service-time").matches("\\d+"), r.headers.toString());
      String seen = r.bodyText();
      assertTrue(Pattern.compile("(?m)^x-request-id: [0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
          .matcher(seen).find(), seen);
      assertTrue(seen.contains("x-envoy-attempt-count: 1\n"), seen);
      assertTrue(Pattern.compile("(?m)^x-b3-traceid: [0-9a-f]{32}$").matcher(seen).find(), seen);
      assertTrue(Pattern.compile("(?m)^x-b3-spanid: [0-9a-f]{16}$").matcher(seen).find(), seen);
      assertTrue(Pattern.compile("(?m)^traceparent: 00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$").matcher(seen).find(), seen);
    }
    String line = single(proxy.awaitIdleAndAccessLines());
    assertTrue(line.contains("\"GET /echo-headers HTTP/1.1\" 200 - via_upstream - \"-\" 0 "), line);
    assertTrue(line.contains("\"test/1\""), line);
    assertTrue(line.contains("\"reviews.default:9080\" \"127.0.0.1:" + app.address().getPort()
        + "\" outbound|" + app.address().getPort() + "||reviews.default 127.0.0.1:"), line);
    assertTrue(line.endsWith(" - default"), line);
  }

  @Test
  void keepsAnIncomingRequestIdAndContinuesTheTrace() throws Exception {
    try (Socket s = proxy.connect(Direction.INBOUND)) {
      send(s, "GET /echo-headers HTTP/1.1\r\nHost: x\r\nx-request-id: abc-123\r\n"
          + "x-b3-traceid: 0af7651916cd43dd8448eb211c80319c\r\nx-b3-spanid: b7ad6b7169203331\r\nx-b3-sampled: 1\r\n\r\n");
      String seen = RawHttp.read(s.getInputStream()).bodyText();
      assertTrue(seen.contains("x-request-id: abc-123\n"), seen);
      assertTrue(seen.contains("x-b3-traceid: 0af7651916cd43dd8448eb211c80319c\n"), seen);
      assertTrue(seen.contains("x-b3-parentspanid: b7ad6b7169203331\n"), seen);
      assertTrue(!seen.contains("x-b3-spanid: b7ad6b7169203331\n"), "no new span: " + seen);
      assertTrue(seen.contains("traceparent: 00-0af7651916cd43dd8448eb211c80319c-"), seen);
    }
    String line = single(proxy.awaitIdleAndAccessLines());
    assertTrue(line.contains("\"abc-123\""), line);
    assertTrue(line.contains(" inbound|" + app.address().getPort() + "|| 127.0.0.6:"), line);
  }

  @Test
  void aThousandKeepAliveRequestsOnOneConnectionReuseOneUpstreamConnection() throws Exception {
    try (Socket s = proxy.connect(Direction.OUTBOUND)) {
      InputStream in = s.getInputStream();
      for (int i = 0; i < 1000; i++) {
        send(s, "GET /echo-headers?i=" + i + " HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(200, RawHttp.read(in).status, "request " + i);
      }
    }
    assertEquals(1, app.clientPorts.size(), "upstream connections: " + app.clientPorts);
    assertEquals(1000, proxy.awaitIdleAndAccessLines().size());
    assertEquals(1000, proxy.counter(Direction.OUTBOUND, Counter.DOWNSTREAM_RQ_TOTAL));
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    try (Socket s = proxy.connect(Direction.OUTBOUND)) {
      send(s, "GET /echo-headers?n=1 HTTP/1.1\r\nHost: x\r\nx-n: 1\r\n\r\n"
          + "GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /echo-headers HTTP/1.1\r\nHost: x\r\nx-n: 3\r\n\r\n");
      InputStream in = s.getInputStream();
      assertTrue(RawHttp.read(in).bodyText().contains("x-n: 1\n"));
      assertEquals("slow", RawHttp.read(in).bodyText());
      assertTrue(RawHttp.read(in).bodyText().contains("x-n: 3\n"));
    }
  }

  @Test
  void chunkedAndFixedLengthBodiesArriveIntact() throws Exception {
    byte[] tenMiB = new byte[10 << 20];
    new java.util.Random(7).nextBytes(tenMiB);
    String expected = HttpApp.sha256(new java.io.ByteArrayInputStream(tenMiB));
    try (Socket s = proxy.connect(Direction.OUTBOUND)) {
      OutputStream out = s.getOutputStream();
      send(s, "POST /sha256 HTTP/1.1\r\nHost: x\r\nContent-Length: " + tenMiB.length + "\r\n\r\n");
      out.write(tenMiB);
      assertEquals(expected, RawHttp.read(s.getInputStream()).bodyText());
      send(s, "POST /sha256 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
      for (int off = 0; off < tenMiB.length; off += 100_000) {
        int n = Math.min(100_000, tenMiB.length - off);
        out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(tenMiB, off, n);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      send(s, "0\r\n\r\n");
      assertEquals(expected, RawHttp.read(s.getInputStream()).bodyText());
      send(s, "POST /sha256 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
      assertEquals(HttpApp.sha256(InputStream.nullInputStream()), RawHttp.read(s.getInputStream()).bodyText());
      send(s, "GET /bytes?n=10485760 HTTP/1.1\r\nHost: x\r\n\r\n");
      RawHttp download = RawHttp.read(s.getInputStream());
      assertEquals("chunked", download.headers.get("transfer-encoding"));
      assertEquals(10 << 20, download.body.length);
    }
  }

  @Test
  void expectContinueWaitsForTheAppsGoAhead() throws Exception {
    try (Socket s = proxy.connect(Direction.OUTBOUND)) {
      send(s, "POST /sha256 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
      assertEquals("HTTP/1.1 100 Continue", RawHttp.line(s.getInputStream()));
      assertEquals("", RawHttp.line(s.getInputStream()));
      send(s, "hello");
      RawHttp r = RawHttp.read(s.getInputStream());
      assertEquals(200, r.status);
      assertEquals(HttpApp.sha256(new java.io.ByteArrayInputStream("hello".getBytes())), r.bodyText());
    }
  }

  @Test
  void aSlowUpstreamDoesNotHoldUpOtherConnections() throws Exception {
    try (Socket slow = proxy.connect(Direction.OUTBOUND); Socket fast = proxy.connect(Direction.OUTBOUND)) {
      send(slow, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
      long start = System.nanoTime();
      send(fast, "GET /echo-headers HTTP/1.1\r\nHost: x\r\n\r\n");
      assertEquals(200, RawHttp.read(fast.getInputStream()).status);
      assertTrue(System.nanoTime() - start < Duration.ofMillis(1500).toNanos(), "the fast request waited");
      assertEquals("slow", RawHttp.read(slow.getInputStream()).bodyText());
    }
  }

  @Test
  void httpTrafficCountsInTheListenersByteCountersOnce() throws Exception {
    String request = "GET /echo-headers HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    byte[] response;
    try (Socket s = proxy.connect(Direction.OUTBOUND)) {
      send(s, request);
      response = s.getInputStream().readAllBytes();
    }
    single(proxy.awaitIdleAndAccessLines());
    assertEquals(request.length(), proxy.counter(Direction.OUTBOUND, Counter.BYTES_RECEIVED));
    assertEquals(response.length, proxy.counter(Direction.OUTBOUND, Counter.BYTES_SENT));
  }

  static void send(Socket s, String text) throws java.io.IOException {
    s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
  }

  static String single(java.util.List<String> lines) {
    assertEquals(1, lines.size(), lines.toString());
    assertNotNull(lines.get(0));
    return lines.get(0);
  }
}
