package dev.outrigger.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CapturedInboundPortsTest {
  private static CapturedInboundPorts of(String... annotations) {
    Map<String, String> map = new java.util.HashMap<>();
    for (int i = 0; i < annotations.length; i += 2) {
      map.put(annotations[i], annotations[i + 1]);
    }
    return CapturedInboundPorts.of(new PodInfo(Map.of(), map));
  }

  @Test
  void withoutAnnotationsEveryPortIsCaptured() {
    assertTrue(of().captures(8080));
    assertEquals("*", of().label());
  }

  @Test
  void theInjectorsAnnotationsNarrowIt() {
    CapturedInboundPorts p = of(CapturedInboundPorts.INCLUDE, "*", CapturedInboundPorts.EXCLUDE, "15020,9000");
    assertTrue(p.captures(8080));
    assertFalse(p.captures(9000));
    assertEquals("* except 9000,15020", p.label());
    CapturedInboundPorts listed = of(CapturedInboundPorts.INCLUDE, "8080, 9090");
    assertTrue(listed.captures(9090));
    assertFalse(listed.captures(8081));
    assertFalse(of(CapturedInboundPorts.INCLUDE, "").captures(8080)); // "" captures nothing
  }

  @Test
  void anUnreadableListIsIgnored() {
    assertTrue(of(CapturedInboundPorts.INCLUDE, "http").captures(8080));
    assertTrue(of(CapturedInboundPorts.EXCLUDE, "8080,x").captures(8080));
  }
}
