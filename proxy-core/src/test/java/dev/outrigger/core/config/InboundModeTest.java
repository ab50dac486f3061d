package dev.outrigger.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class InboundModeTest {
  @Test
  void acceptsOurNamesAndIstios() {
    assertEquals(InboundMode.PRESERVE, InboundMode.parse("preserve"));
    assertEquals(InboundMode.PRESERVE, InboundMode.parse("PASSTHROUGH"));
    assertEquals(InboundMode.LOOPBACK, InboundMode.parse(" Loopback "));
    assertEquals(InboundMode.LOOPBACK, InboundMode.parse("LOCALHOST"));
  }

  @Test
  void unknownValueNamesTheAcceptedOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InboundMode.parse("eth0"));
    assertEquals("'eth0' (expected: preserve, loopback (or Istio's PASSTHROUGH, LOCALHOST))", e.getMessage());
  }

  @Test
  void settingsRejectSharedPortsAndNonPositiveTimeouts() {
    ProxySettings d = ProxySettings.defaults();
    IllegalArgumentException same = assertThrows(IllegalArgumentException.class, () -> new ProxySettings(
        15001, 15001, d.inboundMode(), d.connectTimeout(), d.idleTimeout(), true, true, 2));
    assertTrue(same.getMessage().contains("both 15001"), same.getMessage());
    IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> new ProxySettings(
        15001, 15006, d.inboundMode(), Duration.ZERO, d.idleTimeout(), true, true, 2));
    assertEquals("connectTimeout: PT0S (expected: > 0)", zero.getMessage());
  }
}
