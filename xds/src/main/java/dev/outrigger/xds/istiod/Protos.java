package dev.outrigger.xds.istiod;

import com.google.protobuf.Duration;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;

/** The small protobuf values every shape here is made of. */
final class Protos {
  /** A duration of 0s: istiod's way of saying "no timeout" (and "no initial fetch timeout"). */
  static final Duration NO_TIMEOUT = Duration.getDefaultInstance();

  private Protos() {}

  static Value text(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }

  static SocketAddress socketAddress(String ip, int port) {
    return SocketAddress.newBuilder().setAddress(ip).setPortValue(port).build();
  }

  static Address address(String ip, int port) {
    return Address.newBuilder().setSocketAddress(socketAddress(ip, port)).build();
  }
}
