package dev.outrigger.core.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.outrigger.core.net.BindAddress;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Envoy's DefaultUpstreamLocalAddressSelector: the endpoint's family if configured, else the first address. */
class UpstreamBindConfigTest {
  private static final BindAddress V4 = BindAddress.anyPort(ip("127.0.0.6"));
  private static final BindAddress V6 = BindAddress.anyPort(ip("::6"));

  @Test
  void theSourceOfTheEndpointsFamilyElseTheFirst() {
    UpstreamBindConfig dual = new UpstreamBindConfig(List.of(V4, V6));
    assertEquals(Optional.of(V4), dual.forEndpoint(ip("10.244.1.7")));
    assertEquals(Optional.of(V6), dual.forEndpoint(ip("fd00::7")));
    UpstreamBindConfig v4Only = new UpstreamBindConfig(List.of(V4));
    assertEquals(Optional.of(V4), v4Only.forEndpoint(ip("fd00::7")));
    assertEquals(Optional.empty(), UpstreamBindConfig.NONE.forEndpoint(ip("10.244.1.7")));
  }

  private static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
