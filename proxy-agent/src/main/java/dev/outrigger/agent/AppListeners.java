package dev.outrigger.agent;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the pod listens on, per port: the proxy shares the pod's network namespace, so its
 * /proc/net/tcp{,6} shows the app's sockets. In preserve mode the inbound side dials the pod IP, so
 * only a listener on a wildcard or a non-loopback address is reachable.
 */
record AppListeners(Map<Integer, Reach> byPort) {
  enum Reach {
    /** On 0.0.0.0, :: or a non-loopback address (the pod IP): reachable in preserve mode. */
    POD_ADDRESS,
    /** On 127.0.0.0/8 or ::1 only: in preserve mode (Istio >= 1.10) the inbound connection is reset. */
    LOOPBACK_ONLY,
    /** Nothing listens on the port. */
    NONE
  }

  AppListeners {
    byPort = Map.copyOf(byPort);
  }

  static AppListeners of(Collection<InetSocketAddress> listening) {
    Map<Integer, Reach> byPort = new HashMap<>();
    for (InetSocketAddress socket : listening) {
      Reach reach = isLoopback(socket.getAddress()) ? Reach.LOOPBACK_ONLY : Reach.POD_ADDRESS;
      // One reachable listener on the port is enough.
      byPort.merge(socket.getPort(), reach, (a, b) -> a == Reach.POD_ADDRESS ? a : b);
    }
    return new AppListeners(byPort);
  }

  Reach reach(int port) {
    return byPort.getOrDefault(port, Reach.NONE);
  }

  /** The ports listened on lo only, ascending, except {@code ignored} ones (the proxy's own, opted-in). */
  Set<Integer> loopbackOnly(Set<Integer> ignored) {
    Set<Integer> out = new TreeSet<>();
    byPort.forEach((port, reach) -> {
      if (reach == Reach.LOOPBACK_ONLY && !ignored.contains(port)) {
        out.add(port);
      }
    });
    return out;
  }

  /** 127.0.0.0/8 and ::1; an IPv4-mapped ::ffff:127.0.0.1 is read as 127.0.0.1 by InetAddress already. */
  private static boolean isLoopback(InetAddress address) {
    return address.isLoopbackAddress();
  }
}
