package dev.outrigger.core.http;

import static dev.outrigger.core.http.HttpProxyTest.send;
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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A request is sent again only when it provably never reached the app (Envoy's
 * reset-before-request): its head never left the proxy. A reused connection that the upstream
 * closes after the request was written proves nothing, so the client gets 503 UC, as from Envoy.
 */
class RetryTest {
  private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

  @Test
  void aRequestTheAppReceivedIsNotSentAgainWhenItsConnectionCloses() throws Exception {
    List<String> attempts = new CopyOnWriteArrayList<>();
    try (ServerSocket app = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        ProxyFixture proxy = fixture()) {
      serve(app, c -> {
        InputStream in = c.getInputStream();
        attempts.add(readRequest(in));
        c.getOutputStream().write(OK.getBytes(StandardCharsets.US_ASCII));
        attempts.add(readRequest(in)); // read, then dropped unanswered: the app may have acted on it
      });
      proxy.destination.set((InetSocketAddress) app.getLocalSocketAddress());
      try (Socket s = proxy.connect(Direction.OUTBOUND)) {
        send(s, "GET /first HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(200, RawHttp.read(s.getInputStream()).status);
        send(s, "GET /second HTTP/1.1\r\nHost: x\r\n\r\n");
        RawHttp r = RawHttp.read(s.getInputStream());
        assertEquals(503, r.status);
        assertTrue(r.bodyText().endsWith("reset reason: connection termination"), r.bodyText());
      }
      assertEquals(List.of("/first 1", "/second 1"), attempts);
      assertEquals(0, proxy.counter(Direction.OUTBOUND, Counter.UPSTREAM_RQ_RETRY));
    }
  }

  @Test
  void aRequestWhoseHeadNeverLeftIsSentAgainOnAFreshConnection() throws Exception {
    List<String> attempts = new CopyOnWriteArrayList<>();
    CountDownLatch resetNow = new CountDownLatch(1);
    CountDownLatch reset = new CountDownLatch(1);
    try (ServerSocket app = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        ProxyFixture proxy = fixture()) {
      serve(app, c -> {
        attempts.add(readRequest(c.getInputStream()));
        c.getOutputStream().write(OK.getBytes(StandardCharsets.US_ASCII));
        if (attempts.size() == 1) { // the pooled connection: reset while the proxy cannot notice
          resetNow.await(5, TimeUnit.SECONDS);
          c.setSoLinger(true, 0);
          c.close();
          reset.countDown();
        }
      });
      proxy.destination.set((InetSocketAddress) app.getLocalSocketAddress());
      try (Socket s = proxy.connect(Direction.OUTBOUND)) {
        send(s, "GET /first HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(200, RawHttp.read(s.getInputStream()).status);

        // Hold the proxy's only event loop: the next request and the upstream's reset are then
        // both pending when it wakes, the request first, so it goes to the reset connection and
        // its write fails: not one byte of it reached the app.
        CountDownLatch held = new CountDownLatch(1);
        proxy.onAccept.set(() -> {
          held.countDown();
          sleep(500);
        });
        Socket other = proxy.connect(Direction.OUTBOUND);
        assertTrue(held.await(5, TimeUnit.SECONDS), "the event loop was not held");
        send(s, "GET /second HTTP/1.1\r\nHost: x\r\n\r\n");
        resetNow.countDown();
        assertTrue(reset.await(5, TimeUnit.SECONDS));

        RawHttp r = RawHttp.read(s.getInputStream());
        assertEquals(200, r.status, r.bodyText());
        other.close();
      }
      assertEquals(List.of("/first 1", "/second 2"), attempts);
      assertEquals(1, proxy.counter(Direction.OUTBOUND, Counter.UPSTREAM_RQ_RETRY));
    }
  }

  private static ProxyFixture fixture() throws Exception {
    return new ProxyFixture(InboundMode.PRESERVE, Duration.ofSeconds(5), Duration.ofHours(1), HttpSettings.defaults());
  }

  private interface Connection {
    void handle(Socket c) throws Exception;
  }

  /** One thread per accepted connection, until the server socket closes. */
  private static void serve(ServerSocket app, Connection handler) {
    Thread acceptor = new Thread(() -> {
      try {
        while (true) {
          Socket c = app.accept();
          Thread t = new Thread(() -> {
            try (c) {
              handler.handle(c);
            } catch (Exception ignored) {
              // connection over
            }
          });
          t.setDaemon(true);
          t.start();
        }
      } catch (Exception closed) {
        // test over
      }
    });
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Reads one request head; returns its path and x-envoy-attempt-count, e.g. "/first 1". */
  private static String readRequest(InputStream in) throws Exception {
    String requestLine = RawHttp.line(in);
    String attempt = "?";
    String line;
    while ((line = RawHttp.line(in)) != null && !line.isEmpty()) {
      if (line.toLowerCase().startsWith("x-envoy-attempt-count:")) {
        attempt = line.substring(line.indexOf(':') + 1).trim();
      }
    }
    return requestLine.split(" ")[1] + " " + attempt;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
