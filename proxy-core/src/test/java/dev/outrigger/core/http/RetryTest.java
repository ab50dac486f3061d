package dev.outrigger.core.http;

import static dev.outrigger.core.http.HttpProxyTest.send;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
import org.junit.jupiter.api.Test;

/** A reused upstream connection that dies under a request is retried once, on a fresh one. */
class RetryTest {
  @Test
  void aRequestLostOnAReusedConnectionIsSentAgain() throws Exception {
    List<String> attempts = new CopyOnWriteArrayList<>();
    try (ServerSocket app = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        ProxyFixture proxy = new ProxyFixture(InboundMode.PRESERVE, Duration.ofSeconds(5), Duration.ofHours(1),
            HttpSettings.defaults())) {
      Thread server = new Thread(() -> serveOneRequestPerConnection(app, attempts));
      server.setDaemon(true);
      server.start();
      proxy.destination.set((InetSocketAddress) app.getLocalSocketAddress());
      try (Socket s = proxy.connect(Direction.OUTBOUND)) {
        send(s, "GET /first HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(200, RawHttp.read(s.getInputStream()).status);
        send(s, "GET /second HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(200, RawHttp.read(s.getInputStream()).status);
      }
      assertEquals(List.of("/first 1", "/second 1", "/second 2"), attempts);
      assertEquals(1, proxy.counter(Direction.OUTBOUND, Counter.UPSTREAM_RQ_RETRY));
    }
  }

  /** Answers the first request of each connection with keep-alive; drops the connection on the second. */
  private static void serveOneRequestPerConnection(ServerSocket app, List<String> attempts) {
    try {
      while (true) {
        Socket c = app.accept();
        new Thread(() -> {
          try (c) {
            InputStream in = c.getInputStream();
            for (int n = 1; ; n++) {
              String requestLine = RawHttp.line(in);
              String attempt = "?";
              String line;
              while ((line = RawHttp.line(in)) != null && !line.isEmpty()) {
                if (line.toLowerCase().startsWith("x-envoy-attempt-count:")) {
                  attempt = line.substring(line.indexOf(':') + 1).trim();
                }
              }
              attempts.add(requestLine.split(" ")[1] + " " + attempt);
              if (n == 2) {
                return; // as if our idle timeout had just closed it
              }
              c.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                  .getBytes(StandardCharsets.US_ASCII));
            }
          } catch (Exception ignored) {
            // connection over
          }
        }).start();
      }
    } catch (Exception closed) {
      // test over
    }
  }
}
