package dev.outrigger.core.route;

import dev.outrigger.core.Direction;
import dev.outrigger.core.config.InboundMode;
import io.netty.util.NetUtil;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;

/** Decides the upstream for a connection from its direction and original destination. */
public final class UpstreamPlanner {
  // Istio's InboundPassthroughBindIpv4/Ipv6: "6 is the magical number for inbound". The nat rule
  // "-A ISTIO_OUTPUT -s 127.0.0.6/32 -o lo -j RETURN" keeps these connections from being captured.
  static final InetAddress PASSTHROUGH_BIND_V4 = address(new byte[] {127, 0, 0, 6});
  static final InetAddress PASSTHROUGH_BIND_V6 = address(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 6});
  static final InetAddress LOOPBACK_V4 = address(new byte[] {127, 0, 0, 1});
  static final InetAddress LOOPBACK_V6 = address(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});

  private final InboundMode inboundMode;

  public UpstreamPlanner(InboundMode inboundMode) {
    this.inboundMode = inboundMode;
  }

  public Upstream plan(Direction direction, InetSocketAddress originalDestination) {
    int port = originalDestination.getPort();
    boolean ipv6 = originalDestination.getAddress() instanceof Inet6Address;
    if (direction == Direction.OUTBOUND) {
      // No service registry: every destination is a passthrough to the address the app dialled.
      String host = NetUtil.toAddressString(originalDestination.getAddress()); // RFC 5952: fd00::4
      return new Upstream(originalDestination, Optional.empty(), "outbound|" + port + "||" + host);
    }
    String cluster = "inbound|" + port + "||";
    if (inboundMode == InboundMode.LOOPBACK) {
      InetAddress loopback = ipv6 ? LOOPBACK_V6 : LOOPBACK_V4;
      return new Upstream(new InetSocketAddress(loopback, port), Optional.empty(), cluster);
    }
    InetAddress bind = ipv6 ? PASSTHROUGH_BIND_V6 : PASSTHROUGH_BIND_V4;
    return new Upstream(originalDestination, Optional.of(new InetSocketAddress(bind, 0)), cluster);
  }

  private static InetAddress address(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes);
    } catch (java.net.UnknownHostException impossible) {
      throw new IllegalStateException(impossible);
    }
  }
}
