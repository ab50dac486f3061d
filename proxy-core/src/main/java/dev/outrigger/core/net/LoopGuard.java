package dev.outrigger.core.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;

/**
 * Recognises a connection whose original destination is one of the proxy's own listeners. Relaying
 * it would connect the proxy to itself, again and again (for example a peer dialling the pod's
 * 15006 directly: iptables redirects it to 15006, whose original destination is 15006 again).
 */
public final class LoopGuard {
  private final IntPredicate isListenerPort;
  private final Set<InetAddress> localAddresses;

  public LoopGuard(IntPredicate isListenerPort, Set<InetAddress> localAddresses) {
    this.isListenerPort = isListenerPort;
    this.localAddresses = Set.copyOf(localAddresses);
  }

  /** Reads this host's addresses once, at startup, so the check never makes a syscall per connection. */
  public static LoopGuard forListeners(IntPredicate isListenerPort) throws SocketException {
    Set<InetAddress> local =
        Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
            .flatMap(NetworkInterface::inetAddresses)
            .collect(Collectors.toSet());
    return new LoopGuard(isListenerPort, local);
  }

  /**
   * @param acceptedOn the local address of the accepted socket (after NAT)
   * @param originalDestination where the client meant to go (before NAT)
   */
  public boolean isLoop(InetSocketAddress acceptedOn, OriginalDestination originalDestination) {
    if (originalDestination.address().equals(acceptedOn) && isListenerPort.test(acceptedOn.getPort())) {
      // Nothing was redirected: the client dialled the listener itself. On a TPROXY listener the
      // original destination always equals the accepted address, and only a listener port there
      // means a loop (the app ports are what the client meant to reach).
      return true;
    }
    if (!isListenerPort.test(originalDestination.port())) {
      return false;
    }
    InetAddress address = originalDestination.ip();
    return address.isLoopbackAddress()
        || address.isAnyLocalAddress()
        || address.equals(acceptedOn.getAddress())
        || localAddresses.contains(address);
  }
}
