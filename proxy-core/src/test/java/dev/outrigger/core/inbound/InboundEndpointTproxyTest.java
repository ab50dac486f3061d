package dev.outrigger.core.inbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.core.config.InboundMode;
import dev.outrigger.core.config.InterceptionMode;
import dev.outrigger.core.net.BindAddress;
import dev.outrigger.core.net.ClientAddress;
import dev.outrigger.core.net.OriginalDestination;
import dev.outrigger.core.route.Upstream;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which source the app is dialled from in TPROXY mode. */
class InboundEndpointTproxyTest {
  private static final OriginalDestination POD_8080 = new OriginalDestination(new InetSocketAddress("10.244.2.4", 8080));
  private static final Optional<ClientAddress> CLIENT =
      Optional.of(new ClientAddress(new InetSocketAddress("10.244.1.7", 43210)));

  @Test
  void tproxyDialsTheOriginalDestinationFromTheClientsAddressOnAnyPort() {
    Upstream app = endpoint(InboundMode.PRESERVE, LocalhostInboundPorts.NONE).forConnection(POD_8080, CLIENT);

    assertEquals(POD_8080.address(), app.address());
    BindAddress bind = app.bindAddress().orElseThrow();
    assertTrue(bind.transparent());
    assertEquals(new InetSocketAddress("10.244.1.7", 0), bind.address()); // Envoy's original_src keeps no port
  }

  @Test
  void redirectKeeps127006() {
    Upstream app = new InboundEndpoint(InboundMode.PRESERVE, LocalhostInboundPorts.NONE, InterceptionMode.REDIRECT)
        .forConnection(POD_8080, CLIENT);

    BindAddress bind = app.bindAddress().orElseThrow();
    assertFalse(bind.transparent());
    assertEquals(InboundEndpoint.PASSTHROUGH_BIND_V4, bind.ip());
  }

  @Test
  void loopbackDestinationsAreNotTransparentInTproxyMode() {
    Upstream loopbackMode = endpoint(InboundMode.LOOPBACK, LocalhostInboundPorts.NONE).forConnection(POD_8080, CLIENT);
    assertEquals(new InetSocketAddress("127.0.0.1", 8080), loopbackMode.address());
    assertTrue(loopbackMode.bindAddress().isEmpty());

    Upstream localhostPort = endpoint(InboundMode.PRESERVE, LocalhostInboundPorts.parse("8080"))
        .forConnection(POD_8080, CLIENT);
    assertEquals(new InetSocketAddress("127.0.0.1", 8080), localhostPort.address());
    assertTrue(localhostPort.bindAddress().isEmpty());
  }

  @Test
  void aClientOfTheOtherFamilyFallsBackTo127006() {
    Optional<ClientAddress> v6Client = Optional.of(new ClientAddress(new InetSocketAddress("fd00::7", 43210)));
    Upstream app = endpoint(InboundMode.PRESERVE, LocalhostInboundPorts.NONE).forConnection(POD_8080, v6Client);
    assertFalse(app.bindAddress().orElseThrow().transparent());
  }

  private static InboundEndpoint endpoint(InboundMode mode, LocalhostInboundPorts ports) {
    return new InboundEndpoint(mode, ports, InterceptionMode.TPROXY);
  }
}
