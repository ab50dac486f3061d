package dev.outrigger.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class InterceptionModeTest {
  @Test
  void istiosNamesParseCaseInsensitively() {
    assertEquals(InterceptionMode.TPROXY, InterceptionMode.parse("TPROXY"));
    assertEquals(InterceptionMode.TPROXY, InterceptionMode.parse(" tproxy "));
    assertEquals(InterceptionMode.REDIRECT, InterceptionMode.parse("REDIRECT"));
    assertEquals(InterceptionMode.REDIRECT, InterceptionMode.parse("NONE"));
  }

  @Test
  void anythingElseIsRefusedWithTheAcceptedValues() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InterceptionMode.parse("nat"));
    assertEquals("'nat' (expected: REDIRECT, TPROXY or NONE)", e.getMessage());
  }

  @Test
  void theDefaultIsRedirect() {
    assertEquals(InterceptionMode.REDIRECT, ProxySettings.defaults().interceptionMode());
  }
}
