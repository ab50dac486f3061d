package dev.outrigger.core.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * The local address an upstream connection binds before connecting (Envoy's upstream bind config),
 * such as Istio's inbound passthrough 127.0.0.6 / ::6. The port is left to connect() to choose.
 */
public record BindAddress(InetSocketAddress address) {
  public BindAddress {
    Objects.requireNonNull(address, "address");
  }

  /** Binds {@code ip}, any port. */
  public static BindAddress anyPort(InetAddress ip) {
    return new BindAddress(new InetSocketAddress(ip, 0));
  }

  public InetAddress ip() {
    return address.getAddress();
  }

  @Override
  public String toString() {
    return address.toString();
  }
}
