package dev.outrigger.core.http;

import dev.outrigger.core.net.BindAddress;
import dev.outrigger.core.route.Upstream;
import dev.outrigger.core.route.UpstreamTransport;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * What makes upstream connections interchangeable: the destination, the source address bound
 * (127.0.0.6 in preserve mode) and the transport (a TLS connection is no plaintext one), not the
 * cluster name, which differs by Host header.
 */
record ConnectionKey(InetSocketAddress address, Optional<BindAddress> bind, UpstreamTransport transport) {
  static ConnectionKey of(Upstream upstream) {
    return new ConnectionKey(upstream.address(), upstream.bindAddress(), upstream.transport());
  }
}
