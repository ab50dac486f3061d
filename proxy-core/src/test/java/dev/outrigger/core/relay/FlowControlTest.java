package dev.outrigger.core.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.core.Direction;
import dev.outrigger.core.config.InboundMode;
import dev.outrigger.core.stats.Counter;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Backpressure and the timeouts. */
class FlowControlTest {

  @Test
  void aClientThatDoesNotReadStopsTheUpstreamInsteadOfFillingTheProxy() throws Exception {
    try (ProxyFixture proxy = new ProxyFixture(); TestServers upstream = new TestServers()) {
      proxy.destination.set(upstream.address());
      try (Socket client = proxy.connect(Direction.OUTBOUND); Socket server = upstream.nextAccepted()) {
        AtomicLong written = new AtomicLong();
        Thread writer = new Thread(() -> {
          byte[] chunk = new byte[64 * 1024];
          try (OutputStream out = server.getOutputStream()) {
            while (written.get() < 512L << 20) {
              out.write(chunk);
              written.addAndGet(chunk.length);
            }
          } catch (Exception stopped) {
            // the test closed the socket
          }
        });
        writer.setDaemon(true);
        writer.start();
        Thread.sleep(2000);
        long stalledAt = written.get();
        Thread.sleep(500);
        // Only kernel socket buffers (a few MiB each way) and the proxy's water marks hold data.
        assertTrue(stalledAt < 48L << 20, "upstream wrote " + stalledAt + " bytes to a client that reads nothing");
        assertEquals(stalledAt, written.get(), "the upstream is still writing");
        // Once the client reads, the data flows again.
        byte[] buf = new byte[1 << 20];
        long read = 0;
        while (read < stalledAt + (8 << 20)) {
          read += client.getInputStream().read(buf);
        }
        assertTrue(written.get() > stalledAt);
        server.close();
      }
    }
  }

  @Test
  void anIdleConnectionIsClosedAfterTheIdleTimeout() throws Exception {
    try (ProxyFixture proxy = new ProxyFixture(InboundMode.PRESERVE, Duration.ofSeconds(10), Duration.ofMillis(300));
        TestServers upstream = new TestServers()) {
      proxy.destination.set(upstream.address());
      try (Socket client = proxy.connect(Direction.OUTBOUND); Socket server = upstream.nextAccepted()) {
        long start = System.nanoTime();
        assertEquals(-1, client.getInputStream().read());
        assertTrue(System.nanoTime() - start >= Duration.ofMillis(250).toNanos());
        assertEquals(-1, server.getInputStream().read());
      }
      proxy.awaitIdleAndAccessLines();
      assertEquals(1, proxy.counter(Direction.OUTBOUND, Counter.IDLE_TIMEOUT));
    }
  }

  @Test
  void anUpstreamThatNeverAnswersTheHandshakeTimesOut() throws Exception {
    // A listener whose accept queue is full drops further SYNs: a connect then hangs.
    try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ProxyFixture proxy = new ProxyFixture(InboundMode.PRESERVE, Duration.ofMillis(300), Duration.ofHours(1))) {
      List<Socket> fillers = new ArrayList<>();
      try {
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
        proxy.destination.set((InetSocketAddress) full.getLocalSocketAddress());
        try (Socket client = proxy.connect(Direction.OUTBOUND)) {
          // A reset, as Envoy's tcp_proxy gives: neither data nor a FIN (read() returning -1).
          SocketException reset = assertThrows(SocketException.class, () -> client.getInputStream().read(),
              "expected a reset, got data or a FIN");
          assertTrue(reset.getMessage().contains("Connection reset"), reset.getMessage());
        }
        proxy.awaitIdleAndAccessLines();
        assertEquals(1, proxy.counter(Direction.OUTBOUND, Counter.UPSTREAM_CX_CONNECT_TIMEOUT));
      } finally {
        for (Socket s : fillers) {
          s.close();
        }
      }
    }
  }
}
