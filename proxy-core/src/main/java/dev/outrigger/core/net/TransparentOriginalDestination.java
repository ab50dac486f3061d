package dev.outrigger.core.net;

import io.netty.channel.Channel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.function.IntPredicate;

/**
 * The original destination on a transparent (TPROXY) inbound listener. A connection diverted by the
 * mangle TPROXY rule keeps its addresses: the accepted socket's local address is where the client
 * was going, and conntrack holds no NAT record to ask. The listener still receives connections the
 * nat table redirected (the proxy's own calls to its pod IP, which istio-iptables sends through
 * ISTIO_IN_REDIRECT in every mode); those are accepted on the listener's own port, and for them the
 * NAT lookup answers.
 */
public final class TransparentOriginalDestination implements OriginalDestinationLookup {
  private final OriginalDestinationLookup natLookup;
  private final IntPredicate isListenerPort;

  /**
   * @param natLookup SO_ORIGINAL_DST, for connections accepted on a listener port
   * @param isListenerPort the proxy's own listener ports (live: they are known once bound)
   */
  public TransparentOriginalDestination(OriginalDestinationLookup natLookup, IntPredicate isListenerPort) {
    this.natLookup = natLookup;
    this.isListenerPort = isListenerPort;
  }

  @Override
  public OriginalDestination lookup(Channel accepted) throws IOException {
    InetSocketAddress local = (InetSocketAddress) accepted.localAddress();
    if (local == null) {
      throw new IOException("the accepted socket has no local address (closed)");
    }
    if (isListenerPort.test(local.getPort())) {
      return natLookup.lookup(accepted);
    }
    return new OriginalDestination(local);
  }
}
