package dev.outrigger.core.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Where a captured connection was going before iptables redirected it to the proxy (SO_ORIGINAL_DST).
 * A type of its own so that it cannot be confused with the address the connection was accepted on,
 * or with the client's: all three are socket addresses of the same connection.
 */
public record OriginalDestination(InetSocketAddress address) {
  public OriginalDestination {
    Objects.requireNonNull(address, "address");
  }

  public InetAddress ip() {
    return address.getAddress();
  }

  public int port() {
    return address.getPort();
  }

  @Override
  public String toString() {
    return address.toString();
  }
}
