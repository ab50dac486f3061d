package dev.outrigger.core.net;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LoopGuardTest {
  private final LoopGuard guard = new LoopGuard(port -> port == 15001 || port == 15006,
      Set.of(address("10.244.2.4")));
  private final InetSocketAddress inboundAcceptedOn = new InetSocketAddress("10.244.2.4", 15006);

  @Test
  void aPeerDiallingOurInboundPortDirectlyIsALoop() {
    assertTrue(isLoop(inboundAcceptedOn, new InetSocketAddress("10.244.2.4", 15006)));
  }

  @Test
  void anAppDiallingLocalhost15001IsALoop() {
    assertTrue(isLoop(new InetSocketAddress("127.0.0.1", 15001), new InetSocketAddress("127.0.0.1", 15001)));
    assertTrue(isLoop(new InetSocketAddress("127.0.0.1", 15001), new InetSocketAddress("127.0.0.1", 15006)));
  }

  @Test
  void aConnectionThatWasNotRedirectedIsALoop() {
    // A listener on an ephemeral port (as in tests), dialled directly: no NAT, so the original
    // destination is the accepted address itself.
    LoopGuard ephemeral = new LoopGuard(port -> port == 40000, Set.of());
    InetSocketAddress direct = new InetSocketAddress("127.0.0.1", 40000);
    assertTrue(ephemeral.isLoop(direct, new OriginalDestination(direct)));
  }

  /** TPROXY: the accepted socket's local address is the original destination, by design. */
  @Test
  void aTproxyConnectionToAnAppPortIsNotALoop() {
    InetSocketAddress appPort = new InetSocketAddress("10.244.2.4", 8080);
    assertFalse(isLoop(appPort, appPort));
    InetSocketAddress appPortV6 = new InetSocketAddress("fd00::4", 8080);
    assertFalse(isLoop(appPortV6, appPortV6));
  }

  /** TPROXY diverts every port, the listener's own too: a peer dialling pod-IP:15006 is still a loop. */
  @Test
  void aTproxyConnectionToTheInboundPortIsALoop() {
    assertTrue(isLoop(inboundAcceptedOn, inboundAcceptedOn));
  }

  @Test
  void ordinaryDestinationsAreNotLoops() {
    assertFalse(isLoop(inboundAcceptedOn, new InetSocketAddress("10.244.2.4", 8080)));
    // Another pod's 15006 is that pod's business: pass it through.
    assertFalse(isLoop(new InetSocketAddress("127.0.0.1", 15001), new InetSocketAddress("10.244.3.3", 15006)));
  }

  private boolean isLoop(InetSocketAddress acceptedOn, InetSocketAddress originalDestination) {
    return guard.isLoop(acceptedOn, new OriginalDestination(originalDestination));
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
