package dev.outrigger.core.overload;

import dev.outrigger.core.net.OriginalDestination;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.core.Direction;
import dev.outrigger.core.config.InboundMode;
import dev.outrigger.core.config.ProxySettings;
import dev.outrigger.core.http.HttpSettings;
import dev.outrigger.core.log.AccessLog;
import dev.outrigger.core.server.ProxyServer;
import dev.outrigger.core.stats.Counter;
import dev.outrigger.core.telemetry.Telemetry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The buffer budget through a real proxy on loopback: clients flooding a sink that reads nothing
 * (sent from 127.0.0.2) and a client of an echo server (from 127.0.0.1) at the same time.
 */
class OverloadTest {
  private static final long BUDGET = 2 * 1024 * 1024;
  private static final InetAddress FLOODERS = loopback("127.0.0.2");

  private final ServerSocketChannel sink = ServerSocketChannel.open();
  private final List<SocketChannel> sunk = new ArrayList<>();
  private final List<SocketChannel> flooders = new ArrayList<>();
  private final ServerSocket echo = new ServerSocket(0, 50, loopback("127.0.0.1"));
  private ProxyServer proxy;

  OverloadTest() throws IOException {
    // A small receive window, so the flood fills the proxy rather than the kernel.
    sink.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
    sink.bind(new InetSocketAddress("127.0.0.1", 0), 200);
    sink.configureBlocking(false);
    Thread echoes = new Thread(this::echoAll, "echo");
    echoes.setDaemon(true);
    echoes.start();
  }

  private void start(long budget) throws Exception {
    start(budget, false);
  }

  private void start(long budget, boolean http) throws Exception {
    HttpSettings l4 = HttpSettings.defaults().withDetection(http);
    ProxySettings settings =
        new ProxySettings(0, 0, InboundMode.PRESERVE, Duration.ofSeconds(5), Duration.ofHours(1), true, false, 2);
    proxy = new ProxyServer(settings, l4, new OverloadSettings(budget, OverloadSettings.DEFAULT_READ_BURST_BYTES),
        ch -> new OriginalDestination(FLOODERS.equals(((InetSocketAddress) ch.remoteAddress()).getAddress())
            ? (InetSocketAddress) sink.getLocalAddress()
            : (InetSocketAddress) echo.getLocalSocketAddress()),
        new AccessLog(line -> {}), Telemetry.NONE);
    proxy.start();
  }

  @AfterEach
  void close() throws IOException {
    for (SocketChannel c : flooders) {
      c.close();
    }
    for (SocketChannel c : sunk) {
      c.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    sink.close();
    echo.close();
  }

  @Test
  void aFloodIntoASlowPeerStaysWithinTheBudgetWhileOtherConnectionsFlow() throws Exception {
    start(BUDGET);
    for (int i = 0; i < 60; i++) {
      flooders.add(flooder());
    }
    ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
    long maxHeld = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (stat("overload.reads_paused_total") == 0 && System.nanoTime() < deadline) {
      acceptSunk();
      for (SocketChannel c : flooders) {
        chunk.clear();
        try {
          c.write(chunk); // non-blocking: as much as the proxy takes
        } catch (IOException resetByTheBudget) {
          // the last resort when pausing is not enough; pausing is what this test is about
        }
      }
      maxHeld = Math.max(maxHeld, proxy.overload().held());
      Thread.sleep(5);
    }
    assertTrue(stat("overload.reads_paused_total") > 0, "the flood never saturated the budget");
    for (int i = 0; i < 20; i++) {
      maxHeld = Math.max(maxHeld, proxy.overload().held());
      long started = System.nanoTime();
      assertEquals("ping " + i, echoOnce("ping " + i), "a client of a healthy peer during the flood");
      assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(2), "the healthy client waited");
    }
    // Reads pause at 80% of the budget; what lands before the pause is one small read per connection.
    assertTrue(maxHeld < BUDGET * 3 / 2, "held " + maxHeld + " bytes with a budget of " + BUDGET);

    for (SocketChannel c : flooders) {
      c.setOption(StandardSocketOptions.SO_LINGER, 0);
      c.close(); // a reset: the proxy is not reading these, and must notice anyway
    }
    flooders.clear();
    awaitTrue("the flood's connections to be released", () -> proxy.activeConnections() == 0);
    awaitTrue("what they held to be released", () -> proxy.overload().held() == 0);
    assertEquals(OverloadState.NORMAL, awaitState(OverloadState.NORMAL));
  }

  @Test
  void anHttpUploadFloodIntoASlowPeerStaysWithinTheBudgetWhileOtherRequestsAreServed() throws Exception {
    start(BUDGET, true);
    byte[] head = "POST /upload HTTP/1.1\r\nHost: sink\r\nContent-Length: 8388608\r\n\r\n".getBytes();
    for (int i = 0; i < 60; i++) {
      SocketChannel c = flooder();
      c.write(ByteBuffer.wrap(head));
      flooders.add(c);
    }
    ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
    long maxHeld = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (stat("overload.reads_paused_total") == 0 && System.nanoTime() < deadline) {
      acceptSunk();
      for (SocketChannel c : flooders) {
        chunk.clear();
        try {
          c.write(chunk);
        } catch (IOException resetByTheBudget) {
          // the last resort when pausing is not enough
        }
      }
      maxHeld = Math.max(maxHeld, proxy.overload().held());
      Thread.sleep(5);
    }
    assertTrue(stat("overload.reads_paused_total") > 0, "the flood never saturated the budget");
    for (int i = 0; i < 10; i++) {
      maxHeld = Math.max(maxHeld, proxy.overload().held());
      long started = System.nanoTime();
      String reply = requestOnce("GET /ping HTTP/1.1\r\nHost: echo\r\nConnection: close\r\n\r\n");
      assertTrue(reply.startsWith("HTTP/1.1 200 OK") && reply.endsWith("pong"), reply);
      assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(2), "the healthy client waited");
    }
    assertTrue(maxHeld < BUDGET * 3 / 2, "held " + maxHeld + " bytes with a budget of " + BUDGET);
  }

  @Test
  void aResetFromAClientThatIsNotBeingReadReleasesBothSides() throws Exception {
    start(BUDGET * 16);
    SocketChannel client = flooder();
    ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
    long stalledSince = System.nanoTime();
    long deadline = stalledSince + TimeUnit.SECONDS.toNanos(10);
    // Write until the proxy has stopped reading the client (its peer does not drain) for 500 ms.
    while (System.nanoTime() - stalledSince < TimeUnit.MILLISECONDS.toNanos(500) && System.nanoTime() < deadline) {
      acceptSunk();
      chunk.clear();
      if (client.write(chunk) > 0) {
        stalledSince = System.nanoTime();
      }
      Thread.sleep(5);
    }
    assertEquals(1, proxy.activeConnections());
    client.setOption(StandardSocketOptions.SO_LINGER, 0);
    client.close();
    awaitTrue("the reset connection to be released", () -> proxy.activeConnections() == 0);
    assertEquals(1, proxy.stats().get(Direction.OUTBOUND).get(Counter.DOWNSTREAM_CX_RESET));
  }

  private SocketChannel flooder() throws IOException {
    SocketChannel c = SocketChannel.open();
    c.setOption(StandardSocketOptions.SO_SNDBUF, 4096);
    c.bind(new InetSocketAddress(FLOODERS, 0));
    c.connect(new InetSocketAddress("127.0.0.1", proxy.port(Direction.OUTBOUND)));
    c.configureBlocking(false);
    return c;
  }

  private void acceptSunk() throws IOException {
    SocketChannel accepted;
    while ((accepted = sink.accept()) != null) {
      sunk.add(accepted); // and never read
    }
  }

  private String echoOnce(String text) throws IOException {
    try (Socket s = new Socket("127.0.0.1", proxy.port(Direction.OUTBOUND))) {
      s.setSoTimeout(5000);
      s.getOutputStream().write(text.getBytes());
      byte[] reply = new byte[text.length()];
      int n = 0;
      while (n < reply.length) {
        int r = s.getInputStream().read(reply, n, reply.length - n);
        if (r < 0) {
          break;
        }
        n += r;
      }
      return new String(reply, 0, n);
    }
  }

  private String requestOnce(String request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", proxy.port(Direction.OUTBOUND))) {
      s.setSoTimeout(5000);
      s.getOutputStream().write(request.getBytes());
      return new String(s.getInputStream().readAllBytes());
    }
  }

  private void echoAll() {
    while (!echo.isClosed()) {
      try {
        Socket s = echo.accept();
        Thread t = new Thread(() -> {
          try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            byte[] first = new byte[4096];
            int n = in.read(first);
            if (n > 0 && new String(first, 0, n).startsWith("GET /ping ")) {
              out.write("HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n\r\npong".getBytes());
              return; // an HTTP client of a healthy app
            }
            if (n > 0) {
              out.write(first, 0, n);
            }
            in.transferTo(out);
          } catch (IOException ignored) {
            // the client went away
          }
        });
        t.setDaemon(true);
        t.start();
      } catch (IOException closed) {
        return;
      }
    }
  }

  private long stat(String name) {
    return proxy.overload().snapshot().get(name);
  }

  private OverloadState awaitState(OverloadState wanted) throws InterruptedException {
    awaitTrue("state " + wanted, () -> proxy.overload().state() == wanted);
    return proxy.overload().state();
  }

  private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(10);
    }
  }

  private static InetAddress loopback(String address) {
    try {
      return InetAddress.getByName(address);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
