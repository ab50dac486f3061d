package dev.outrigger.it.sidecar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ProxyStatsTest {

  @Test
  void readsCountersPerListener() {
    ProxyStats stats = ProxyStats.parse("""
        server.state: LIVE
        listener.inbound.downstream_cx_total: 12
        listener.outbound.downstream_cx_total: 3

        listener.inbound.downstream_cx_loop_refused: 1
        """);

    assertEquals(12, stats.inbound("downstream_cx_total"));
    assertEquals(3, stats.outbound("downstream_cx_total"));
    assertEquals(1, stats.get("listener.inbound.downstream_cx_loop_refused"));
  }

  @Test
  void aMissingCounterIsAnError() {
    ProxyStats stats = ProxyStats.parse("listener.inbound.downstream_cx_total: 1\n");

    assertThrows(IllegalArgumentException.class, () -> stats.outbound("downstream_cx_total"));
  }
}
