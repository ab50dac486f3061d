package dev.outrigger.core.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.core.Direction;
import dev.outrigger.core.http.HttpSettings;
import dev.outrigger.core.stats.Counter;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The relay through real loopback sockets: bytes, half-close, resets, loops, access log. */
class RelayTest {
  private ProxyFixture proxy;
  private TestServers upstream;

  @BeforeEach
  void start() throws Exception {
    proxy = new ProxyFixture();
    upstream = new TestServers();
    proxy.destination.set(upstream.address());
  }

  @AfterEach
  void stop() throws Exception {
    proxy.close();
    upstream.close();
  }

  @Test
  void relaysBytesUnchangedBothWaysAndLogsTheConnection() throws Exception {
    byte[] payload = new byte[1 << 20];
    new Random(42).nextBytes(payload);
    try (Socket client = proxy.connect(Direction.OUTBOUND)) {
      CompletableFuture<Void> echo = CompletableFuture.runAsync(() -> echoOnce());
      client.getOutputStream().write(payload);
      client.shutdownOutput();
      assertArrayEquals(payload, client.getInputStream().readAllBytes());
      echo.join();
      String line = single(proxy.awaitIdleAndAccessLines());
      String port = String.valueOf(upstream.address().getPort());
      assertTrue(line.contains("\"- - -\" 0 - - - \"-\" 1048576 1048576 "), line);
      assertTrue(line.contains("\"127.0.0.1:" + port + "\" outbound|" + port + "||127.0.0.1 127.0.0.1:"), line);
      assertTrue(line.endsWith(" 127.0.0.1:" + port + " 127.0.0.1:" + client.getLocalPort() + " - -"), line);
    }
    assertEquals(1, proxy.counter(Direction.OUTBOUND, Counter.DOWNSTREAM_CX_TOTAL));
    assertEquals(1 << 20, proxy.counter(Direction.OUTBOUND, Counter.BYTES_RECEIVED));
    assertEquals(1 << 20, proxy.counter(Direction.OUTBOUND, Counter.BYTES_SENT));
    assertEquals(0, proxy.counter(Direction.OUTBOUND, Counter.DOWNSTREAM_CX_ACTIVE));
  }

  @Test
  void aTlsClientHelloIsRelayedUnchangedAndItsServerNameLogged() throws Exception {
    byte[] hello = dev.outrigger.core.sniff.ClientHelloParserTest.hello("www.example.com", "h2", "http/1.1");
    proxy.close();
    proxy = new ProxyFixture(dev.outrigger.core.config.InboundMode.PRESERVE, Duration.ofSeconds(10), Duration.ofHours(1),
        HttpSettings.defaults()); // detection on: the ClientHello is sniffed
    proxy.destination.set(upstream.address());
    try (Socket client = proxy.connect(Direction.OUTBOUND)) {
      client.getOutputStream().write(hello);
      client.shutdownOutput();
      try (Socket server = upstream.nextAccepted()) {
        assertArrayEquals(hello, TestServers.readToEof(server.getInputStream()));
      }
      client.getInputStream().readAllBytes();
    }
    String line = single(proxy.awaitIdleAndAccessLines());
    assertTrue(line.endsWith(" www.example.com -"), "%REQUESTED_SERVER_NAME%: " + line);
    assertEquals(0, proxy.counter(Direction.OUTBOUND, Counter.TLS_CLIENT_HELLO_UNREAD));
  }

  @Test
  void anUnreadableClientHelloGoesOnAsTlsWithoutAName() throws Exception {
    byte[] notAHello = {0x16, 3, 1, 0, 4, 2, 0, 0, 0}; // a handshake record holding a ServerHello header
    proxy.close();
    proxy = new ProxyFixture(dev.outrigger.core.config.InboundMode.PRESERVE, Duration.ofSeconds(10), Duration.ofHours(1),
        HttpSettings.defaults()); // detection on: the ClientHello is sniffed
    proxy.destination.set(upstream.address());
    try (Socket client = proxy.connect(Direction.OUTBOUND)) {
      client.getOutputStream().write(notAHello);
      client.shutdownOutput();
      try (Socket server = upstream.nextAccepted()) {
        assertArrayEquals(notAHello, TestServers.readToEof(server.getInputStream()));
      }
      client.getInputStream().readAllBytes();
    }
    String line = single(proxy.awaitIdleAndAccessLines());
    assertTrue(line.endsWith(" - -"), line);
    assertEquals(1, proxy.counter(Direction.OUTBOUND, Counter.TLS_CLIENT_HELLO_UNREAD));
  }

  @Test
  void aClientFinReachesTheServerWhileTheReplyStillFlows() throws Exception {
    try (Socket client = proxy.connect(Direction.OUTBOUND)) {
      client.getOutputStream().write("request".getBytes(StandardCharsets.US_ASCII));
      client.shutdownOutput();
      try (Socket server = upstream.nextAccepted()) {
        assertEquals("request", new String(server.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
        server.getOutputStream().write("reply after your FIN".getBytes(StandardCharsets.US_ASCII));
        server.shutdownOutput();
      }
      assertEquals("reply after your FIN", new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
    }
  }

  @Test
  void aServerFinReachesTheClientWhileTheClientKeepsSending() throws Exception {
    try (Socket client = proxy.connect(Direction.OUTBOUND); Socket server = upstream.nextAccepted()) {
      server.getOutputStream().write("bye".getBytes(StandardCharsets.US_ASCII));
      server.shutdownOutput();
      assertEquals("bye", new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
      client.getOutputStream().write("still talking".getBytes(StandardCharsets.US_ASCII));
      client.shutdownOutput();
      assertEquals("still talking", new String(server.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
    }
    proxy.awaitIdleAndAccessLines();
  }

  @Test
  void aLongDownloadAfterTheClientsFinArrivesWhole() throws Exception {
    int size = 64 << 20;
    try (Socket client = proxy.connect(Direction.OUTBOUND)) {
      client.getOutputStream().write('x');
      client.shutdownOutput();
      CompletableFuture<Void> serve = CompletableFuture.runAsync(() -> {
        try (Socket server = upstream.nextAccepted()) {
          server.getInputStream().readAllBytes();
          byte[] chunk = new byte[1 << 16];
          for (int sent = 0; sent < size; sent += chunk.length) {
            server.getOutputStream().write(chunk);
          }
          server.shutdownOutput();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      Thread.sleep(300); // let the proxy queue a backlog the slow client has not read yet
      assertEquals(size, client.getInputStream().readAllBytes().length);
      serve.join();
    }
    proxy.awaitIdleAndAccessLines();
  }

  @Test
  void aLongUploadAfterTheServersFinArrivesWhole() throws Exception {
    int size = 64 << 20;
    try (Socket client = proxy.connect(Direction.OUTBOUND); Socket server = upstream.nextAccepted()) {
      server.shutdownOutput();
      assertEquals(-1, client.getInputStream().read());
      CompletableFuture<Integer> received = CompletableFuture.supplyAsync(() -> {
        try {
          Thread.sleep(300);
          return server.getInputStream().readAllBytes().length;
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      byte[] chunk = new byte[1 << 16];
      for (int sent = 0; sent < size; sent += chunk.length) {
        client.getOutputStream().write(chunk);
      }
      client.shutdownOutput();
      assertEquals(size, received.join());
    }
    proxy.awaitIdleAndAccessLines();
  }

  @Test
  void anUpstreamResetResetsTheClient() throws Exception {
    try (Socket client = proxy.connect(Direction.OUTBOUND)) {
      client.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
      Socket server = upstream.nextAccepted();
      server.getInputStream().readNBytes(4);
      server.setSoLinger(true, 0);
      server.close();
      SocketException e = assertThrows(SocketException.class, () -> readFully(client.getInputStream()));
      assertTrue(e.getMessage().contains("Connection reset"), e.getMessage());
    }
    String line = single(proxy.awaitIdleAndAccessLines());
    assertTrue(line.contains("\"- - -\" 0 UR "), line);
    assertEquals(1, proxy.counter(Direction.OUTBOUND, Counter.UPSTREAM_CX_RESET));
  }

  @Test
  void aClientResetResetsTheUpstream() throws Exception {
    Socket client = proxy.connect(Direction.OUTBOUND);
    client.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
    try (Socket server = upstream.nextAccepted()) {
      server.getInputStream().readNBytes(4);
      client.setSoLinger(true, 0);
      client.close();
      SocketException e = assertThrows(SocketException.class, () -> readFully(server.getInputStream()));
      assertTrue(e.getMessage().contains("Connection reset"), e.getMessage());
    }
    proxy.awaitIdleAndAccessLines();
    assertEquals(1, proxy.counter(Direction.OUTBOUND, Counter.DOWNSTREAM_CX_RESET));
  }

  @Test
  void aRefusedUpstreamResetsTheClientWithFlagUf() throws Exception {
    InetSocketAddress closed = upstream.address();
    upstream.close();
    proxy.destination.set(closed);
    try (Socket client = proxy.connect(Direction.INBOUND)) {
      // The reset may arrive before or after the write; either way the client must see it.
      SocketException e = assertThrows(SocketException.class, () -> {
        client.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
        readFully(client.getInputStream());
      });
      assertTrue(e.getMessage().contains("Connection reset"), e.getMessage());
    }
    String line = single(proxy.awaitIdleAndAccessLines());
    assertTrue(line.contains("\"- - -\" 0 UF - - \"delayed connect error: Connection refused\" "), line);
    assertTrue(line.contains(" inbound|" + closed.getPort() + "|| - "), line);
    assertEquals(1, proxy.counter(Direction.INBOUND, Counter.UPSTREAM_CX_CONNECT_FAIL));
  }

  @Test
  void aConnectionToTheProxysOwnListenerIsRefusedNotRelayed() throws Exception {
    InetSocketAddress self = new InetSocketAddress("127.0.0.1", proxy.server.port(Direction.OUTBOUND));
    proxy.destination.set(self);
    try (Socket client = proxy.connect(Direction.OUTBOUND)) {
      assertThrows(SocketException.class, () -> readFully(client.getInputStream()));
    }
    String line = single(proxy.awaitIdleAndAccessLines());
    assertTrue(line.contains("\"- - -\" 0 NR "), line);
    assertEquals(1, proxy.counter(Direction.OUTBOUND, Counter.DOWNSTREAM_CX_LOOP_REFUSED));
    assertEquals(1, proxy.counter(Direction.OUTBOUND, Counter.DOWNSTREAM_CX_TOTAL), "relayed to itself");
  }

  @Test
  void aConnectionWithoutOriginalDestinationIsRefused() throws Exception {
    proxy.lookupFailure.set(new java.io.IOException("getsockopt(SO_ORIGINAL_DST) failed"));
    try (Socket client = proxy.connect(Direction.INBOUND)) {
      assertThrows(SocketException.class, () -> readFully(client.getInputStream()));
    }
    proxy.awaitIdleAndAccessLines();
    assertEquals(1, proxy.counter(Direction.INBOUND, Counter.DOWNSTREAM_CX_NO_ORIGINAL_DST));
  }

  @Test
  void preserveModeConnectsInboundFrom127_0_0_6() throws Exception {
    try (Socket client = proxy.connect(Direction.INBOUND); Socket server = upstream.nextAccepted()) {
      assertEquals("127.0.0.6", server.getInetAddress().getHostAddress());
      client.close();
    }
    String line = single(proxy.awaitIdleAndAccessLines());
    assertTrue(line.contains(" inbound|" + upstream.address().getPort() + "|| 127.0.0.6:"), line);
  }

  private void echoOnce() {
    try (Socket server = upstream.nextAccepted()) {
      InputStream in = server.getInputStream();
      OutputStream out = server.getOutputStream();
      in.transferTo(out);
      server.shutdownOutput();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static void readFully(InputStream in) throws java.io.IOException {
    in.readAllBytes();
  }

  static String single(List<String> lines) {
    assertEquals(1, lines.size(), lines.toString());
    return lines.get(0);
  }
}
