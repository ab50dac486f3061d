package dev.outrigger.core.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * The local address an upstream connection binds before connecting (Envoy's upstream bind config),
 * such as Istio's inbound passthrough 127.0.0.6 / ::6. The port is left to connect() to choose.
 */
public record BindAddress(InetSocketAddress address, boolean transparent) {
  public BindAddress {
    Objects.requireNonNull(address, "address");
  }

  /** A local address. */
  public BindAddress(InetSocketAddress address) {
    this(address, false);
  }

  /** Binds {@code ip}, any port. */
  public static BindAddress anyPort(InetAddress ip) {
    return new BindAddress(new InetSocketAddress(ip, 0));
  }

  /**
   * Binds another host's {@code ip} (the downstream client's, in TPROXY mode), any port, with
   * IP_TRANSPARENT and the TPROXY mark (Envoy's original_src listener filter with Istio's mark 1337).
   * As there, the client's port is not kept: the connection to the app would then have the very
   * addresses and ports of the client's connection to the proxy, and the kernel would hand the app's
   * SYN to the proxy's accepted socket instead of the app's listener.
   */
  public static BindAddress transparentAnyPort(InetAddress ip) {
    return new BindAddress(new InetSocketAddress(ip, 0), true);
  }

  public InetAddress ip() {
    return address.getAddress();
  }

  @Override
  public String toString() {
    return transparent ? address + " (transparent)" : address.toString();
  }
}
