package dev.outrigger.core.http;

import static dev.outrigger.core.http.HttpProxyTest.send;
import static dev.outrigger.core.http.HttpProxyTest.single;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.core.Direction;
import dev.outrigger.core.config.InboundMode;
import dev.outrigger.core.relay.ProxyFixture;
import dev.outrigger.core.stats.Counter;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What the proxy answers itself when the upstream or the request fails, as Envoy does. */
class LocalReplyTest {
  private static final String RESET_BEFORE_HEADERS =
      "upstream connect error or disconnect/reset before headers. reset reason: ";

  @Test
  void aRefusedConnectionIs503WithFlagUf() throws Exception {
    try (ProxyFixture proxy = proxy(Duration.ZERO)) {
      ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
      proxy.destination.set((InetSocketAddress) closed.getLocalSocketAddress());
      closed.close();
      try (Socket s = proxy.connect(Direction.INBOUND)) {
        send(s, "GET /x HTTP/1.1\r\nHost: x\r\n\r\n");
        RawHttp r = RawHttp.read(s.getInputStream());
        assertEquals(503, r.status);
        assertEquals(RESET_BEFORE_HEADERS + "connection failure", r.bodyText());
        send(s, "GET /again HTTP/1.1\r\nHost: x\r\n\r\n"); // the client connection stays usable
        assertEquals(503, RawHttp.read(s.getInputStream()).status);
      }
      String line = proxy.awaitIdleAndAccessLines().get(0);
      assertTrue(line.contains("\"GET /x HTTP/1.1\" 503 UF upstream_reset_before_response_started{connection_failure} "
          + "- \"delayed connect error: Connection refused\" "), line);
      assertEquals(2, proxy.counter(Direction.INBOUND, Counter.DOWNSTREAM_RQ_LOCAL_REPLY));
      assertEquals(2, proxy.counter(Direction.INBOUND, Counter.UPSTREAM_CX_CONNECT_FAIL));
      assertEquals(0, proxy.counter(Direction.INBOUND, Counter.UPSTREAM_CX_CONNECT_TIMEOUT));
    }
  }

  @Test
  void anUpstreamThatNeverAnswersTheHandshakeIs503UfCountedAsATimeout() throws Exception {
    HttpSettings d = HttpSettings.defaults();
    try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ProxyFixture proxy = new ProxyFixture(InboundMode.PRESERVE, Duration.ofMillis(300), Duration.ofHours(1), d)) {
      java.util.List<Socket> fillers = fillAcceptQueue(full);
      try {
        proxy.destination.set((InetSocketAddress) full.getLocalSocketAddress());
        try (Socket s = proxy.connect(Direction.OUTBOUND)) {
          send(s, "GET /x HTTP/1.1\r\nHost: x\r\n\r\n");
          RawHttp r = RawHttp.read(s.getInputStream());
          assertEquals(503, r.status);
          assertEquals(RESET_BEFORE_HEADERS + "connection failure", r.bodyText());
        }
        String line = single(proxy.awaitIdleAndAccessLines());
        // Envoy's pool closed the connect itself: no transport failure reason.
        assertTrue(line.contains(" 503 UF upstream_reset_before_response_started{connection_failure} - \"-\" "), line);
        assertEquals(1, proxy.counter(Direction.OUTBOUND, Counter.UPSTREAM_CX_CONNECT_TIMEOUT));
        assertEquals(0, proxy.counter(Direction.OUTBOUND, Counter.UPSTREAM_CX_CONNECT_FAIL));
      } finally {
        for (Socket f : fillers) {
          f.close();
        }
      }
    }
  }

  /** A listener whose accept queue is full drops further SYNs: a connect to it then hangs. */
  static java.util.List<Socket> fillAcceptQueue(ServerSocket full) throws java.io.IOException {
    java.util.List<Socket> fillers = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Socket s = new Socket();
      try {
        s.connect(full.getLocalSocketAddress(), 200);
        fillers.add(s);
      } catch (java.net.SocketTimeoutException queueFull) {
        s.close();
        break;
      }
    }
    return fillers;
  }

  @Test
  void anUpstreamThatClosesBeforeAnsweringIs503WithFlagUc() throws Exception {
    try (ProxyFixture proxy = proxy(Duration.ZERO); ServerSocket app = rudeApp(false)) {
      proxy.destination.set((InetSocketAddress) app.getLocalSocketAddress());
      try (Socket s = proxy.connect(Direction.OUTBOUND)) {
        send(s, "GET /x HTTP/1.1\r\nHost: x\r\n\r\n");
        RawHttp r = RawHttp.read(s.getInputStream());
        assertEquals(503, r.status);
        assertEquals(RESET_BEFORE_HEADERS + "connection termination", r.bodyText());
      }
      assertTrue(single(proxy.awaitIdleAndAccessLines()).contains(" 503 UC "));
    }
  }

  @Test
  void anUpstreamThatResetsBeforeAnsweringIs503WithFlagUr() throws Exception {
    try (ProxyFixture proxy = proxy(Duration.ZERO); ServerSocket app = rudeApp(true)) {
      proxy.destination.set((InetSocketAddress) app.getLocalSocketAddress());
      try (Socket s = proxy.connect(Direction.OUTBOUND)) {
        send(s, "GET /x HTTP/1.1\r\nHost: x\r\n\r\n");
        RawHttp r = RawHttp.read(s.getInputStream());
        assertEquals(503, r.status);
        assertEquals(RESET_BEFORE_HEADERS + "remote reset", r.bodyText());
      }
      assertTrue(single(proxy.awaitIdleAndAccessLines()).contains(" 503 UR "));
    }
  }

  @Test
  void noAnswerWithinTheRouteTimeoutIs504WithFlagUt() throws Exception {
    try (ProxyFixture proxy = proxy(Duration.ofMillis(300)); HttpApp app = new HttpApp()) {
      proxy.destination.set(app.address());
      try (Socket s = proxy.connect(Direction.OUTBOUND)) {
        send(s, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
        RawHttp r = RawHttp.read(s.getInputStream());
        assertEquals(504, r.status);
        assertEquals("upstream request timeout", r.bodyText());
      }
      assertTrue(single(proxy.awaitIdleAndAccessLines()).contains(" 504 UT response_timeout "));
    }
  }

  @Test
  void aMalformedRequestIs400AndTheConnectionCloses() throws Exception {
    try (ProxyFixture proxy = proxy(Duration.ZERO); HttpApp app = new HttpApp()) {
      proxy.destination.set(app.address());
      try (Socket s = proxy.connect(Direction.OUTBOUND)) {
        send(s, "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: banana\r\n\r\n");
        InputStream in = s.getInputStream();
        assertEquals(400, RawHttp.read(in).status);
        assertEquals(-1, in.read(), "connection left open");
      }
      assertTrue(single(proxy.awaitIdleAndAccessLines()).contains(" 400 DPE "));
    }
  }

  @Test
  void requestHeadersOverTheLimitAre431() throws Exception {
    try (ProxyFixture proxy = proxy(Duration.ZERO); HttpApp app = new HttpApp()) {
      proxy.destination.set(app.address());
      try (Socket s = proxy.connect(Direction.OUTBOUND)) {
        send(s, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(61 * 1024) + "\r\n\r\n");
        assertEquals(431, RawHttp.read(s.getInputStream()).status);
      }
      assertTrue(app.clientPorts.isEmpty(), "the oversized request reached the app");
    }
  }

  @Test
  void aWebSocketUpgradeBecomesAByteRelayAfter101() throws Exception {
    try (ProxyFixture proxy = proxy(Duration.ZERO); ServerSocket app = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      proxy.destination.set((InetSocketAddress) app.getLocalSocketAddress());
      // The app's thread only records what it saw: an assertion failing there would be lost.
      java.util.concurrent.atomic.AtomicReference<String> upgradeSeen = new java.util.concurrent.atomic.AtomicReference<>();
      Thread server = new Thread(() -> {
        try (Socket c = app.accept()) {
          String line;
          while (!(line = RawHttp.line(c.getInputStream())).isEmpty()) {
            if (line.toLowerCase().startsWith("upgrade:")) {
              upgradeSeen.set(line.toLowerCase());
            }
          }
          c.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
          c.getInputStream().transferTo(c.getOutputStream()); // echo frames
        } catch (Exception ignored) {
          // the test fails on the client side
        }
      });
      server.start();
      try (Socket s = proxy.connect(Direction.OUTBOUND)) {
        send(s, "GET /chat HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
        RawHttp r = RawHttp.read(s.getInputStream());
        assertEquals(101, r.status);
        assertEquals("websocket", r.headers.get("upgrade"));
        byte[] frame = {(byte) 0x81, 0x05, 'h', 'e', 'l', 'l', 'o'};
        s.getOutputStream().write(frame);
        assertEquals(new String(frame, StandardCharsets.ISO_8859_1),
            new String(s.getInputStream().readNBytes(frame.length), StandardCharsets.ISO_8859_1));
      }
      server.join(5000);
      assertEquals("upgrade: websocket", upgradeSeen.get(), "the app did not get the Upgrade header");
      java.util.List<String> lines = proxy.awaitIdleAndAccessLines();
      assertEquals(2, lines.size(), lines.toString()); // the upgrade request, then the relayed stream
      assertTrue(lines.get(0).contains("\"GET /chat HTTP/1.1\" 101 "), lines.get(0));
      assertTrue(lines.get(1).contains("\"- - -\" 0 - - - \"-\" 7 7 "), lines.get(1));
    }
  }

  private static ProxyFixture proxy(Duration routeTimeout) throws Exception {
    return new ProxyFixture(InboundMode.PRESERVE, Duration.ofSeconds(5), Duration.ofHours(1),
        HttpSettings.defaults().withRouteTimeout(routeTimeout));
  }

  /** An app that reads the request and then closes (or resets) without answering. */
  private static ServerSocket rudeApp(boolean reset) throws Exception {
    ServerSocket app = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
    Thread t = new Thread(() -> {
      try {
        while (true) {
          try (Socket c = app.accept()) {
            while (!RawHttp.line(c.getInputStream()).isEmpty()) {
              // read the request head
            }
            if (reset) {
              c.setSoLinger(true, 0);
            }
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
}
