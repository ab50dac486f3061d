package dev.outrigger.core.http;

import static dev.outrigger.core.http.HttpProxyTest.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.core.Direction;
import dev.outrigger.core.config.InboundMode;
import dev.outrigger.core.listener.ListenerDrain;
import dev.outrigger.core.relay.ProxyFixture;
import dev.outrigger.core.stats.Counter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An inbound drain as Istio starts it on SIGTERM ({@code drain_listeners?inboundonly&graceful}):
 * HTTP/1 connections end at their next clean boundary (a response with Connection: close, or idle
 * at the end of Envoy's drain timeout), new ones are still served, outbound is untouched.
 */
class DrainTest {
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
  void anIdleKeepAliveConnectionIsClosedAfterTheDrainTimeout() throws Exception {
    try (Socket s = proxy.connect(Direction.INBOUND)) {
      send(s, "GET /echo-headers HTTP/1.1\r\nHost: x\r\n\r\n");
      RawHttp before = RawHttp.read(s.getInputStream());
      assertEquals(200, before.status);
      assertNull(before.headers.get("connection"), "keep-alive before the drain");
      Thread.sleep(100); // the proxy is past the exchange: the connection is idle, not finishing
      s.setSoTimeout((int) ListenerDrain.DRAIN_TIMEOUT.plusSeconds(3).toMillis());

      long start = System.nanoTime();
      proxy.server.drainInbound();

      assertEquals(-1, s.getInputStream().read(), "the idle connection is closed");
      Duration after = Duration.ofNanos(System.nanoTime() - start);
      assertTrue(after.compareTo(ListenerDrain.DRAIN_TIMEOUT.minusMillis(200)) >= 0,
          "closed after " + after + ": at once would race a request the client may be sending");
    }
    assertEquals(1, proxy.counter(Direction.INBOUND, Counter.DOWNSTREAM_CX_DRAIN_CLOSE));
  }

  @Test
  void aKeepAliveUsedDuringTheDrainGetsConnectionCloseOnItsNextResponse() throws Exception {
    try (Socket s = proxy.connect(Direction.INBOUND)) {
      send(s, "GET /echo-headers HTTP/1.1\r\nHost: x\r\n\r\n");
      assertEquals(200, RawHttp.read(s.getInputStream()).status);

      proxy.server.drainInbound();
      Thread.sleep(200);

      send(s, "GET /echo-headers HTTP/1.1\r\nHost: x\r\n\r\n");
      RawHttp r = RawHttp.read(s.getInputStream());
      assertEquals(200, r.status, "a request on an idle keep-alive during the drain is served");
      assertEquals("close", r.headers.get("connection"));
      assertEquals(-1, s.getInputStream().read(), "closed after the response");
    }
    assertEquals(1, proxy.counter(Direction.INBOUND, Counter.DOWNSTREAM_CX_DRAIN_CLOSE));
  }

  @Test
  void theResponseInFlightSaysConnectionCloseAndTheConnectionEndsAfterIt() throws Exception {
    try (Socket s = proxy.connect(Direction.INBOUND)) {
      send(s, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
      awaitActiveRequestAtTheApp();

      proxy.server.drainInbound();

      RawHttp r = RawHttp.read(s.getInputStream());
      assertEquals(200, r.status);
      assertEquals("slow", r.bodyText(), "the request in flight is answered");
      assertEquals("close", r.headers.get("connection"));
      assertEquals(-1, s.getInputStream().read(), "closed after the response");
    }
    assertEquals(1, proxy.counter(Direction.INBOUND, Counter.DOWNSTREAM_CX_DRAIN_CLOSE));
  }

  @Test
  void aConnectionAcceptedWhileDrainingIsServedOnceWithConnectionClose() throws Exception {
    proxy.server.drainInbound();

    try (Socket s = proxy.connect(Direction.INBOUND)) {
      send(s, "GET /echo-headers HTTP/1.1\r\nHost: x\r\n\r\n");
      RawHttp r = RawHttp.read(s.getInputStream());
      assertEquals(200, r.status);
      assertEquals("close", r.headers.get("connection"));
      assertEquals(-1, s.getInputStream().read());
    }
    assertTrue(!proxy.server.isReady(), "readiness is false from the start of the drain");
  }

  @Test
  void outboundConnectionsAreNotDrained() throws Exception {
    try (Socket s = proxy.connect(Direction.OUTBOUND)) {
      send(s, "GET /echo-headers HTTP/1.1\r\nHost: x\r\n\r\n");
      assertEquals(200, RawHttp.read(s.getInputStream()).status);

      proxy.server.drainInbound();

      send(s, "GET /echo-headers HTTP/1.1\r\nHost: x\r\n\r\n");
      RawHttp again = RawHttp.read(s.getInputStream());
      assertEquals(200, again.status, "the app's own calls go on during its shutdown");
      assertNull(again.headers.get("connection"));
    }
    try (Socket fresh = proxy.connect(Direction.OUTBOUND)) {
      send(fresh, "GET /echo-headers HTTP/1.1\r\nHost: x\r\n\r\n");
      assertEquals(200, RawHttp.read(fresh.getInputStream()).status);
    }
    assertEquals(0, proxy.counter(Direction.OUTBOUND, Counter.DOWNSTREAM_CX_DRAIN_CLOSE));
  }

  @Test
  void aWebSocketUpgradedWhileDrainingGoesOnPastTheDrainTimeout() throws Exception {
    CountDownLatch headRead = new CountDownLatch(1);
    CountDownLatch answer = new CountDownLatch(1);
    try (ServerSocket ws = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      proxy.destination.set((InetSocketAddress) ws.getLocalSocketAddress());
      Thread server = new Thread(() -> {
        try (Socket c = ws.accept()) {
          while (!RawHttp.line(c.getInputStream()).isEmpty()) {
            // the upgrade request's head
          }
          headRead.countDown();
          answer.await(5, TimeUnit.SECONDS);
          c.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
          c.getInputStream().transferTo(c.getOutputStream()); // echo
        } catch (IOException | InterruptedException ignored) {
          // the client side fails the test
        }
      });
      server.setDaemon(true);
      server.start();
      try (Socket s = proxy.connect(Direction.INBOUND)) {
        send(s, "GET /chat HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
        assertTrue(headRead.await(5, TimeUnit.SECONDS));
        proxy.server.drainInbound(); // the connection is told while it is still HTTP
        Thread.sleep(100);
        answer.countDown();
        RawHttp r = RawHttp.read(s.getInputStream());
        assertEquals(101, r.status);
        assertEquals("upgrade", r.headers.get("connection").toLowerCase(), "a 101 is not turned into a close");

        Thread.sleep(ListenerDrain.DRAIN_TIMEOUT.plusMillis(500).toMillis());

        s.getOutputStream().write("still here".getBytes(StandardCharsets.US_ASCII));
        assertEquals("still here", new String(s.getInputStream().readNBytes(10), StandardCharsets.US_ASCII),
            "the byte relay goes on until the end of the drain period");
      }
    }
  }

  /** The slow request has reached the app (its handler runs), so the drain comes while it is in flight. */
  private void awaitActiveRequestAtTheApp() throws InterruptedException, IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (app.clientPorts.isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new IOException("the request never reached the app");
      }
      Thread.sleep(10);
    }
  }
}
