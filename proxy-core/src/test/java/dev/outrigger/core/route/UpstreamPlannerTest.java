package dev.outrigger.core.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.core.Direction;
import dev.outrigger.core.config.InboundMode;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class UpstreamPlannerTest {
  private static final InetSocketAddress POD_8080 = new InetSocketAddress("10.244.2.4", 8080);
  private static final InetSocketAddress POD_V6_80 = new InetSocketAddress("fd00::4", 80);

  @Test
  void preserveConnectsToThePodAddressFrom127_0_0_6() {
    Upstream u = new UpstreamPlanner(InboundMode.PRESERVE).plan(Direction.INBOUND, POD_8080);
    assertEquals(POD_8080, u.address());
    assertEquals(new InetSocketAddress("127.0.0.6", 0), u.bindAddress().orElseThrow());
    assertEquals("inbound|8080||", u.cluster());
  }

  @Test
  void preserveBindsColonColon6ForIpv6() {
    Upstream u = new UpstreamPlanner(InboundMode.PRESERVE).plan(Direction.INBOUND, POD_V6_80);
    assertEquals(POD_V6_80, u.address());
    assertEquals(new InetSocketAddress("::6", 0), u.bindAddress().orElseThrow());
  }

  @Test
  void loopbackConnectsToLocalhostOnTheOriginalPort() {
    Upstream u = new UpstreamPlanner(InboundMode.LOOPBACK).plan(Direction.INBOUND, POD_8080);
    assertEquals(new InetSocketAddress("127.0.0.1", 8080), u.address());
    assertTrue(u.bindAddress().isEmpty());
    assertEquals("inbound|8080||", u.cluster());
  }

  @Test
  void ipv6ClusterNamesUseTheShortAddressForm() {
    Upstream u = new UpstreamPlanner(InboundMode.PRESERVE).plan(Direction.OUTBOUND, POD_V6_80);
    assertEquals("outbound|80||fd00::4", u.cluster());
  }

  @Test
  void loopbackUsesColonColon1ForIpv6() {
    Upstream u = new UpstreamPlanner(InboundMode.LOOPBACK).plan(Direction.INBOUND, POD_V6_80);
    assertEquals(new InetSocketAddress("::1", 80), u.address());
  }

  @Test
  void outboundIsAPassthroughToTheOriginalDestinationInBothModes() {
    for (InboundMode mode : InboundMode.values()) {
      Upstream u = new UpstreamPlanner(mode).plan(Direction.OUTBOUND, POD_8080);
      assertEquals(POD_8080, u.address());
      assertTrue(u.bindAddress().isEmpty());
      assertEquals("outbound|8080||10.244.2.4", u.cluster());
    }
  }
}
