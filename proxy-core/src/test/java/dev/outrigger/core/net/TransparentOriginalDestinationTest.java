package dev.outrigger.core.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.junit.jupiter.api.Test;

class TransparentOriginalDestinationTest {
  private static final InetSocketAddress NAT_ANSWER = new InetSocketAddress("10.244.2.4", 9090);
  private final TransparentOriginalDestination lookup = new TransparentOriginalDestination(
      accepted -> new OriginalDestination(NAT_ANSWER), port -> port == 15001 || port == 15006);

  @Test
  void aDivertedConnectionsLocalAddressIsItsOriginalDestination() throws IOException {
    InetSocketAddress app = new InetSocketAddress("10.244.2.4", 8080);
    assertEquals(app, lookup.lookup(acceptedOn(app)).address());
  }

  /** The nat rules still send the proxy's own calls to its pod IP to 15006 in TPROXY mode. */
  @Test
  void aConnectionAcceptedOnTheListenerPortAsksConntrack() throws IOException {
    assertEquals(NAT_ANSWER, lookup.lookup(acceptedOn(new InetSocketAddress("127.0.0.1", 15006))).address());
  }

  @Test
  void aFailingNatLookupIsReported() {
    TransparentOriginalDestination failing = new TransparentOriginalDestination(accepted -> {
      throw new IOException("ENOENT");
    }, port -> port == 15006);
    assertThrows(IOException.class, () -> failing.lookup(acceptedOn(new InetSocketAddress("10.244.2.4", 15006))));
  }

  private static EmbeddedChannel acceptedOn(InetSocketAddress local) {
    return new EmbeddedChannel() {
      @Override
      protected SocketAddress localAddress0() {
        return local;
      }
    };
  }
}
