package dev.outrigger.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class WaitCommandTest {
  @Test
  void returnsZeroOnceTheUrlAnswers200() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/healthz/ready", ex -> {
      ex.sendResponseHeaders(calls.incrementAndGet() < 3 ? 503 : 200, -1);
      ex.close();
    });
    server.start();
    try {
      int rc = new CommandLine(new WaitCommand()).execute("--periodMillis", "20",
          "--url", "http://127.0.0.1:" + server.getAddress().getPort() + "/healthz/ready");
      assertEquals(0, rc);
      assertEquals(3, calls.get());
    } finally {
      server.stop(0);
    }
  }

  @Test
  void returnsOneWhenTheTimeoutPasses() {
    long start = System.nanoTime();
    int rc = new CommandLine(new WaitCommand()).execute("--timeoutSeconds", "1", "--periodMillis", "50",
        "--url", "http://127.0.0.1:9/healthz/ready");
    assertEquals(1, rc);
    assertTrue(System.nanoTime() - start >= 900_000_000L);
  }
}
