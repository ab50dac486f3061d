package dev.outrigger.core.http;

import static dev.outrigger.core.http.HttpProxyTest.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.core.Direction;
import dev.outrigger.core.config.InboundMode;
import dev.outrigger.core.relay.ProxyFixture;
import dev.outrigger.core.stats.Counter;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A client that resets its HTTP connection mid-exchange: counted and logged as for L4, and the line says DC. */
class DownstreamResetTest {
  @Test
  void aClientResetDuringAnExchangeIsCountedAndLoggedAsDc() throws Exception {
    try (ProxyFixture proxy = new ProxyFixture(InboundMode.PRESERVE, Duration.ofSeconds(5), Duration.ofHours(1),
        HttpSettings.defaults()); HttpApp app = new HttpApp()) {
      proxy.destination.set(app.address());
      Socket s = proxy.connect(Direction.OUTBOUND);
      send(s, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
      Thread.sleep(200); // the request is with the app
      s.setSoLinger(true, 0);
      s.close(); // RST
      String line = HttpProxyTest.single(proxy.awaitIdleAndAccessLines());
      assertTrue(line.contains("\"GET /slow HTTP/1.1\" 0 DC "), line);
      assertEquals(1, proxy.counter(Direction.OUTBOUND, Counter.DOWNSTREAM_CX_RESET));
    }
  }
}
