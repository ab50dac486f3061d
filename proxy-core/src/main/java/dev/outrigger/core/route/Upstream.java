package dev.outrigger.core.route;

import dev.outrigger.core.net.BindAddress;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * One endpoint to connect to, and how: what makes upstream connections interchangeable (pools are
 * keyed by it), so it carries no cluster or route.
 *
 * @param address the endpoint
 * @param bindAddress the local address to bind before connecting, if any (127.0.0.6 for preserve)
 */
public record Upstream(InetSocketAddress address, Optional<BindAddress> bindAddress) {
  public static Upstream direct(InetSocketAddress address) {
    return new Upstream(address, Optional.empty());
  }
}
