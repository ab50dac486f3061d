package dev.outrigger.core.inbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

class LocalhostInboundPortsTest {
  @Test
  void parsesACommaSeparatedListWithSpaces() {
    LocalhostInboundPorts ports = LocalhostInboundPorts.parse("9090, 8080,8080");
    assertEquals(Set.of(8080, 9090), ports.ports());
    assertTrue(ports.contains(8080));
    assertFalse(ports.contains(80));
    assertEquals("8080,9090", ports.label());
  }

  @Test
  void blankIsNone() {
    assertTrue(LocalhostInboundPorts.parse(" ").isEmpty());
    assertEquals("", LocalhostInboundPorts.NONE.label());
  }

  @Test
  void aBadElementIsNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LocalhostInboundPorts.parse("8080,http"));
    assertEquals("'8080,http': 'http' is not a port (expected: a comma-separated list of ports 1-65535,"
        + " such as 8080,9090)", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> LocalhostInboundPorts.parse("8080,,9090"));
    assertThrows(IllegalArgumentException.class, () -> LocalhostInboundPorts.parse("*"));
    IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
        () -> LocalhostInboundPorts.parse("0"));
    assertTrue(range.getMessage().contains("0 is out of range"), range.getMessage());
    assertThrows(IllegalArgumentException.class, () -> LocalhostInboundPorts.parse("65536"));
  }

  @Test
  void isImmutable() {
    assertThrows(UnsupportedOperationException.class, () -> LocalhostInboundPorts.parse("80").ports().add(81));
  }
}
