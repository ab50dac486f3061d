package dev.outrigger.core.http;

import dev.outrigger.core.net.BindAddress;
import dev.outrigger.core.route.Upstream;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * What makes upstream connections interchangeable: the destination and the source address bound
 * (127.0.0.6 in preserve mode), not the cluster name, which differs by Host header.
 */
record ConnectionKey(InetSocketAddress address, Optional<BindAddress> bind) {
  static ConnectionKey of(Upstream upstream) {
    return new ConnectionKey(upstream.address(), upstream.bindAddress());
  }
}
