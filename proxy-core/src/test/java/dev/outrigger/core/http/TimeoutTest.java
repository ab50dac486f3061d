package dev.outrigger.core.http;

import static dev.outrigger.core.http.HttpProxyTest.send;
import static dev.outrigger.core.http.HttpProxyTest.single;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.core.Direction;
import dev.outrigger.core.config.InboundMode;
import dev.outrigger.core.relay.ProxyFixture;
import dev.outrigger.core.stats.Counter;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every timer a connection can meet, in each state: detection, HTTP/1.1 between requests, h2c
 * without streams, a request head, a request in progress. Each fires with its reply, counter and
 * access-log line.
 */
class TimeoutTest {
  private static final Duration SHORT = Duration.ofMillis(400);
  private static final Duration OFF = Duration.ZERO;

  @Test
  void aConnectionThatNeverSendsAByteIsClosedByTheIdleTimeoutWithoutGoingUpstream() throws Exception {
    try (ProxyFixture proxy = proxy(SHORT, new HttpTimeouts(OFF, OFF, OFF));
        ServerSocket app = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      proxy.destination.set((InetSocketAddress) app.getLocalSocketAddress());
      try (Socket s = proxy.connect(Direction.OUTBOUND)) {
        long start = System.nanoTime();
        assertEquals(-1, s.getInputStream().read());
        assertTrue(System.nanoTime() - start >= SHORT.toNanos() * 3 / 4);
      }
      assertTrue(proxy.awaitIdleAndAccessLines().isEmpty(), "a connection closed while detecting has no line");
      assertEquals(1, proxy.counter(Direction.OUTBOUND, Counter.DOWNSTREAM_CX_IDLE_TIMEOUT));
      app.setSoTimeout(200);
      assertThrows(SocketTimeoutException.class, app::accept, "the proxy connected upstream");
    }
  }

  @Test
  void anIdleKeepAliveConnectionIsClosedBetweenRequests() throws Exception {
    try (ProxyFixture proxy = proxy(SHORT, new HttpTimeouts(OFF, OFF, OFF)); HttpApp app = new HttpApp()) {
      proxy.destination.set(app.address());
      try (Socket s = proxy.connect(Direction.OUTBOUND)) {
        send(s, "GET /echo-headers HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(200, RawHttp.read(s.getInputStream()).status);
        assertEquals(-1, s.getInputStream().read(), "the idle keep-alive connection stayed open");
      }
      assertTrue(single(proxy.awaitIdleAndAccessLines()).contains("\"GET /echo-headers HTTP/1.1\" 200 "));
      assertEquals(1, proxy.counter(Direction.OUTBOUND, Counter.DOWNSTREAM_CX_IDLE_TIMEOUT));
      assertEquals(0, proxy.counter(Direction.OUTBOUND, Counter.IDLE_TIMEOUT), "counted as a TCP relay's");
    }
  }

  @Test
  void anIdleH2cConnectionGetsGoAwayThenIsClosed() throws Exception {
    try (ProxyFixture proxy = proxy(SHORT, new HttpTimeouts(OFF, OFF, OFF))) {
      proxy.destination.set(new InetSocketAddress(InetAddress.getLoopbackAddress(), 9));
      try (Socket s = proxy.connect(Direction.OUTBOUND)) {
        s.getOutputStream().write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // an empty SETTINGS frame
        List<Integer> frameTypes = frameTypesUntilEof(s.getInputStream());
        assertTrue(frameTypes.contains(7), "no GOAWAY before the close: " + frameTypes);
      }
      proxy.awaitIdleAndAccessLines();
      assertEquals(1, proxy.counter(Direction.OUTBOUND, Counter.DOWNSTREAM_CX_IDLE_TIMEOUT));
    }
  }

  @Test
  void aRequestLineTrickledDuringDetectionGets408() throws Exception {
    try (ProxyFixture proxy = proxy(Duration.ofHours(1), new HttpTimeouts(OFF, SHORT, OFF)); HttpApp app = new HttpApp()) {
      proxy.destination.set(app.address());
      try (Socket s = proxy.connect(Direction.OUTBOUND)) {
        send(s, "GET /slowloris HT");
        RawHttp r = RawHttp.read(s.getInputStream());
        assertEquals(408, r.status);
        assertEquals("request header timeout", r.bodyText());
        assertEquals("close", r.headers.get("connection"));
        assertEquals(-1, s.getInputStream().read(), "connection left open");
      }
      String line = single(proxy.awaitIdleAndAccessLines());
      assertTrue(line.contains("\"- - HTTP/1.1\" 408 - request_header_timeout - \"-\" 0 22 "), line);
      assertEquals(1, proxy.counter(Direction.OUTBOUND, Counter.DOWNSTREAM_RQ_HEADER_TIMEOUT));
      assertTrue(app.clientPorts.isEmpty(), "the partial request reached the app");
    }
  }

  @Test
  void headersTrickledOneByOneGet408EvenThoughBytesKeepComing() throws Exception {
    try (ProxyFixture proxy = proxy(Duration.ofHours(1), new HttpTimeouts(OFF, SHORT, OFF)); HttpApp app = new HttpApp()) {
      proxy.destination.set(app.address());
      try (Socket s = proxy.connect(Direction.OUTBOUND)) {
        send(s, "GET /slowloris HTTP/1.1\r\nHost: x\r\n");
        long start = System.nanoTime();
        try {
          for (int i = 0; i < 40; i++) { // 4 s of headers, 100 ms apart: the idle timer never fires
            send(s, "X-" + i + ": y\r\n");
            Thread.sleep(100);
          }
        } catch (java.io.IOException closedByTheProxy) {
          // expected once the 408 was sent
        }
        assertEquals(408, RawHttp.read(s.getInputStream()).status);
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(3).toNanos(), "the deadline moved with the bytes");
      }
      assertTrue(single(proxy.awaitIdleAndAccessLines()).contains(" 408 - request_header_timeout "));
      assertTrue(app.clientPorts.isEmpty(), "the partial request reached the app");
    }
  }

  @Test
  void theNextHeadOnAKeepAliveConnectionIsTimedFromItsFirstByteNotFromTheLastResponse() throws Exception {
    try (ProxyFixture proxy = proxy(Duration.ofHours(1), new HttpTimeouts(OFF, SHORT, OFF)); HttpApp app = new HttpApp()) {
      proxy.destination.set(app.address());
      try (Socket s = proxy.connect(Direction.OUTBOUND)) {
        send(s, "GET /echo-headers HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(200, RawHttp.read(s.getInputStream()).status);
        Thread.sleep(SHORT.toMillis() * 2); // idle between requests: not a slow head
        send(s, "GET /echo-headers HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(200, RawHttp.read(s.getInputStream()).status);
        send(s, "GET /echo-headers HTTP/1.1\r\n");
        assertEquals(408, RawHttp.read(s.getInputStream()).status);
      }
      List<String> lines = proxy.awaitIdleAndAccessLines();
      assertEquals(3, lines.size(), lines.toString());
      assertTrue(lines.get(2).contains(" 408 - request_header_timeout "), lines.get(2));
    }
  }

  @Test
  void aRequestWithNoActivityBeforeItsResponseIs504StreamTimeout() throws Exception {
    try (ProxyFixture proxy = proxy(Duration.ofHours(1), new HttpTimeouts(OFF, OFF, SHORT)); HttpApp app = new HttpApp()) {
      proxy.destination.set(app.address());
      try (Socket s = proxy.connect(Direction.OUTBOUND)) {
        send(s, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
        RawHttp r = RawHttp.read(s.getInputStream());
        assertEquals(504, r.status); // the request was complete: the wait was the upstream's
        assertEquals("stream timeout", r.bodyText());
      }
      assertTrue(single(proxy.awaitIdleAndAccessLines()).contains("\"GET /slow HTTP/1.1\" 504 SI stream_idle_timeout "));
      assertEquals(1, proxy.counter(Direction.OUTBOUND, Counter.DOWNSTREAM_RQ_IDLE_TIMEOUT));
    }
  }

  @Test
  void aRequestBodyThatStopsIs408StreamTimeout() throws Exception {
    try (ProxyFixture proxy = proxy(Duration.ofHours(1), new HttpTimeouts(OFF, OFF, SHORT)); HttpApp app = new HttpApp()) {
      proxy.destination.set(app.address());
      try (Socket s = proxy.connect(Direction.OUTBOUND)) {
        send(s, "POST /sha256 HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
        RawHttp r = RawHttp.read(s.getInputStream());
        assertEquals(408, r.status);
        assertEquals("stream timeout", r.bodyText());
        assertEquals(-1, s.getInputStream().read(), "the rest of the body would be read as a request");
      }
      assertTrue(single(proxy.awaitIdleAndAccessLines()).contains("\"POST /sha256 HTTP/1.1\" 408 SI stream_idle_timeout "));
    }
  }

  @Test
  void aResponseThatStopsMidwayIsCutWithFlagSi() throws Exception {
    try (ProxyFixture proxy = proxy(Duration.ofHours(1), new HttpTimeouts(OFF, OFF, SHORT));
        ServerSocket app = stallingApp("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc")) {
      proxy.destination.set((InetSocketAddress) app.getLocalSocketAddress());
      try (Socket s = proxy.connect(Direction.OUTBOUND)) {
        send(s, "GET /stall HTTP/1.1\r\nHost: x\r\n\r\n");
        InputStream in = s.getInputStream();
        while (!RawHttp.line(in).isEmpty()) {
          // the response head, passed on
        }
        assertEquals("abc", new String(in.readNBytes(3), StandardCharsets.US_ASCII));
        assertThrows(EOFException.class, () -> new DataInputStream(in).readFully(new byte[97]));
      }
      assertTrue(single(proxy.awaitIdleAndAccessLines()).contains("\"GET /stall HTTP/1.1\" 200 SI via_upstream "));
      assertEquals(1, proxy.counter(Direction.OUTBOUND, Counter.DOWNSTREAM_RQ_IDLE_TIMEOUT));
    }
  }

  @Test
  void anH2cStreamWithNoActivityIs504StreamTimeoutOnItsOwnStream() throws Exception {
    // The request-headers deadline is on too: a head sent at once must not meet it.
    try (ProxyFixture proxy = proxy(Duration.ofHours(1), new HttpTimeouts(OFF, SHORT, SHORT));
        ServerSocket app = stallingApp(null)) {
      proxy.destination.set((InetSocketAddress) app.getLocalSocketAddress());
      try (Socket s = proxy.connect(Direction.OUTBOUND)) {
        java.io.OutputStream out = s.getOutputStream();
        out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // an empty SETTINGS frame
        io.netty.handler.codec.http2.Http2Headers request = new io.netty.handler.codec.http2.DefaultHttp2Headers()
            .method("GET").scheme("http").path("/slow").authority("x");
        io.netty.buffer.ByteBuf block = io.netty.buffer.Unpooled.buffer();
        try {
          new io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder().encodeHeaders(1, request, block);
          byte[] header = {0, (byte) (block.readableBytes() >> 8), (byte) block.readableBytes(), 1, 0x5, 0, 0, 0, 1};
          out.write(header); // HEADERS, END_STREAM | END_HEADERS, stream 1
          out.write(io.netty.buffer.ByteBufUtil.getBytes(block));
        } finally {
          block.release();
        }
        assertEquals("504", responseStatus(s.getInputStream(), 1));
        s.shutdownOutput(); // the client's FIN ends an h2c connection, as in Envoy
        s.getInputStream().readAllBytes(); // returns at the proxy's close
      }
      String line = single(proxy.awaitIdleAndAccessLines());
      assertTrue(line.contains("\"GET /slow HTTP/2\" 504 SI stream_idle_timeout "), line);
      assertEquals(1, proxy.counter(Direction.OUTBOUND, Counter.DOWNSTREAM_RQ_IDLE_TIMEOUT));
    }
  }

  @Test
  void anH2cHeaderBlockTrickledPastTheDeadlineGetsGoAway() throws Exception {
    try (ProxyFixture proxy = proxy(Duration.ofHours(1), new HttpTimeouts(OFF, SHORT, OFF))) {
      proxy.destination.set(new InetSocketAddress(InetAddress.getLoopbackAddress(), 9));
      try (Socket s = proxy.connect(Direction.OUTBOUND)) {
        java.io.OutputStream out = s.getOutputStream();
        out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // an empty SETTINGS frame
        byte[] headers = {0, 0, 20, 1, 0x5, 0, 0, 0, 1, (byte) 0x82, (byte) 0x86, (byte) 0x84}; // 20 bytes promised
        long start = System.nanoTime();
        try {
          for (byte b : headers) { // one byte every 100 ms: the connection is never idle
            out.write(b);
            out.flush();
            Thread.sleep(100);
          }
        } catch (java.io.IOException closedByTheProxy) {
          // expected once the deadline passed
        }
        List<Integer> frameTypes = frameTypesUntilEof(s.getInputStream());
        assertTrue(frameTypes.contains(7), "no GOAWAY before the close: " + frameTypes);
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(3).toNanos(), "the deadline moved with the bytes");
      }
      proxy.awaitIdleAndAccessLines();
      assertEquals(1, proxy.counter(Direction.OUTBOUND, Counter.DOWNSTREAM_RQ_HEADER_TIMEOUT));
    }
  }

  @Test
  void afterTheDetectionTimeoutASilentClientIsRelayedAsTcp() throws Exception {
    try (ProxyFixture proxy = proxy(Duration.ofHours(1), new HttpTimeouts(SHORT, OFF, OFF));
        ServerSocket app = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      proxy.destination.set((InetSocketAddress) app.getLocalSocketAddress());
      try (Socket s = proxy.connect(Direction.OUTBOUND)) {
        app.setSoTimeout(5000);
        try (Socket server = app.accept()) { // a server-first protocol on a port not listed as one
          server.getOutputStream().write("220 ready\r\n".getBytes(StandardCharsets.US_ASCII));
          assertEquals("220 ready", RawHttp.line(s.getInputStream()));
        }
      }
      String line = single(proxy.awaitIdleAndAccessLines());
      assertTrue(line.contains("\"- - -\" 0 - - - \"-\" 0 11 "), line);
      assertEquals(1, proxy.counter(Direction.OUTBOUND, Counter.DOWNSTREAM_PRE_CX_TIMEOUT));
    }
  }

  @Test
  void aClientThatLeavesMidRequestIsLoggedBeforeItsConnectionStopsCounting() throws Exception {
    try (ProxyFixture proxy = proxy(Duration.ofHours(1), HttpTimeouts.defaults()); HttpApp app = new HttpApp()) {
      proxy.destination.set(app.address());
      try (Socket s = proxy.connect(Direction.OUTBOUND)) {
        send(s, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
        Thread.sleep(200); // the request is with the app
      }
      // The line is written as the close passes the session: the gauge must fall only after it.
      assertTrue(single(proxy.awaitIdleAndAccessLines()).contains("\"GET /slow HTTP/1.1\" 0 DC "));
    }
  }

  static ProxyFixture proxy(Duration idleTimeout, HttpTimeouts timeouts) throws Exception {
    return new ProxyFixture(InboundMode.PRESERVE, Duration.ofSeconds(5), idleTimeout,
        HttpSettings.defaults().withTimeouts(timeouts));
  }

  /**
   * An app that answers every request with {@code partial} and then neither writes nor closes;
   * with null it reads nothing and answers nothing (a stuck h2c upstream).
   */
  private static ServerSocket stallingApp(String partial) throws Exception {
    ServerSocket app = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
    Thread t = new Thread(() -> {
      List<Socket> held = new ArrayList<>();
      try {
        while (true) {
          Socket c = app.accept();
          held.add(c);
          while (partial != null && !RawHttp.line(c.getInputStream()).isEmpty()) {
            // read the request head
          }
          if (partial != null) {
            c.getOutputStream().write(partial.getBytes(StandardCharsets.US_ASCII));
          }
        }
      } catch (Exception closed) {
        // test over
      }
    });
    t.setDaemon(true);
    t.start();
    return app;
  }

  /** The :status of the first HEADERS frame the proxy sends on {@code streamId}. */
  private static String responseStatus(InputStream in, int streamId) throws Exception {
    DataInputStream data = new DataInputStream(in);
    while (true) {
      byte[] header = new byte[9];
      data.readFully(header);
      int length = ((header[0] & 0xff) << 16) | ((header[1] & 0xff) << 8) | (header[2] & 0xff);
      int stream = ((header[5] & 0x7f) << 24) | ((header[6] & 0xff) << 16) | ((header[7] & 0xff) << 8) | (header[8] & 0xff);
      byte[] payload = new byte[length];
      data.readFully(payload);
      if (header[3] == 1 && stream == streamId) {
        io.netty.buffer.ByteBuf block = io.netty.buffer.Unpooled.wrappedBuffer(payload);
        try {
          return new io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder().decodeHeaders(streamId, block)
              .status().toString();
        } finally {
          block.release();
        }
      }
    }
  }

  /** The type of each HTTP/2 frame the proxy sends until it closes the connection. */
  private static List<Integer> frameTypesUntilEof(InputStream in) throws java.io.IOException {
    List<Integer> types = new ArrayList<>();
    DataInputStream data = new DataInputStream(in);
    while (true) {
      byte[] header = new byte[9];
      int n = data.readNBytes(header, 0, 9);
      if (n < 9) {
        assertFalse(types.isEmpty(), "closed without a frame");
        return types;
      }
      int length = ((header[0] & 0xff) << 16) | ((header[1] & 0xff) << 8) | (header[2] & 0xff);
      types.add(header[3] & 0xff);
      data.readNBytes(length);
    }
  }
}
