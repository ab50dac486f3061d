package dev.outrigger.core.route;

import dev.outrigger.core.net.BindAddress;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * One endpoint to connect to, and how: what makes upstream connections interchangeable (pools are
 * keyed by it), so it carries no cluster or route.
 *
 * @param address the endpoint
 * @param bindAddress the local address to bind before connecting, if any (127.0.0.6 for preserve)
 * @param transport how bytes are carried on the connection (plaintext until mTLS)
 */
public record Upstream(InetSocketAddress address, Optional<BindAddress> bindAddress, UpstreamTransport transport) {
  public Upstream {
    Objects.requireNonNull(transport, "transport");
  }

  /** A plaintext connection. */
  public Upstream(InetSocketAddress address, Optional<BindAddress> bindAddress) {
    this(address, bindAddress, UpstreamTransport.PLAINTEXT);
  }

  public static Upstream direct(InetSocketAddress address) {
    return new Upstream(address, Optional.empty());
  }

  /** The same endpoint and bind, carried by {@code other}. */
  public Upstream withTransport(UpstreamTransport other) {
    return new Upstream(address, bindAddress, other);
  }
}
