package dev.outrigger.core.inbound;

import dev.outrigger.core.config.InboundMode;
import dev.outrigger.core.config.InterceptionMode;
import dev.outrigger.core.net.ClientAddress;
import dev.outrigger.core.net.BindAddress;
import dev.outrigger.core.net.OriginalDestination;
import dev.outrigger.core.route.Upstream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * How the app is reached from the inbound side, by inbound mode: Istio ≤ 1.9 dials loopback on the
 * original port; from 1.10 it dials the original destination (the pod IP) from 127.0.0.6. In
 * preserve mode the ports of {@link LocalhostInboundPorts} are still dialled over loopback, for apps
 * that listen on lo only. In TPROXY interception mode the app is dialled from the client's own
 * address (see {@link BindAddress#transparentAnyPort}), except over loopback, where the app sees
 * loopback as in REDIRECT mode.
 */
public final class InboundEndpoint {
  // Istio's InboundPassthroughBindIpv4/Ipv6: "6 is the magical number for inbound". The nat rule
  // "-A ISTIO_OUTPUT -s 127.0.0.6/32 -o lo -j RETURN" keeps these connections from being captured.
  static final InetAddress PASSTHROUGH_BIND_V4 = address(new byte[] {127, 0, 0, 6});
  static final InetAddress PASSTHROUGH_BIND_V6 = address(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 6});
  static final InetAddress LOOPBACK_V4 = address(new byte[] {127, 0, 0, 1});
  static final InetAddress LOOPBACK_V6 = address(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});

  private final InboundMode mode;
  private final LocalhostInboundPorts localhostPorts;
  private final InterceptionMode interception;

  public InboundEndpoint(InboundMode mode) {
    this(mode, LocalhostInboundPorts.NONE);
  }

  public InboundEndpoint(InboundMode mode, LocalhostInboundPorts localhostPorts) {
    this(mode, localhostPorts, InterceptionMode.REDIRECT);
  }

  public InboundEndpoint(InboundMode mode, LocalhostInboundPorts localhostPorts, InterceptionMode interception) {
    this.mode = mode;
    this.localhostPorts = localhostPorts;
    this.interception = interception;
  }

  /** The app's endpoint for a connection that was sent to {@code originalDestination}, REDIRECT mode. */
  public Upstream forDestination(OriginalDestination originalDestination) {
    return forConnection(originalDestination, Optional.empty());
  }

  /**
   * The app's endpoint for a connection from {@code client} to {@code originalDestination}.
   *
   * @param client the downstream peer; used in TPROXY mode only
   */
  public Upstream forConnection(OriginalDestination originalDestination, Optional<ClientAddress> client) {
    boolean ipv6 = originalDestination.ip() instanceof Inet6Address;
    if (mode == InboundMode.LOOPBACK || localhostPorts.contains(originalDestination.port())) {
      // Not transparent even in TPROXY mode: a loopback destination with a foreign source is
      // dropped as martian, and istio-iptables leaves 127.0.0.1 out of TPROXY (! -d 127.0.0.1/32).
      InetAddress loopback = ipv6 ? LOOPBACK_V6 : LOOPBACK_V4;
      return Upstream.direct(new InetSocketAddress(loopback, originalDestination.port()));
    }
    if (interception == InterceptionMode.TPROXY && client.isPresent() && sameFamily(client.get(), ipv6)) {
      return new Upstream(originalDestination.address(),
          Optional.of(BindAddress.transparentAnyPort(client.get().ip())));
    }
    InetAddress bind = ipv6 ? PASSTHROUGH_BIND_V6 : PASSTHROUGH_BIND_V4;
    return new Upstream(originalDestination.address(), Optional.of(BindAddress.anyPort(bind)));
  }

  private static boolean sameFamily(ClientAddress client, boolean ipv6) {
    return (client.ip() instanceof Inet6Address) == ipv6;
  }

  private static InetAddress address(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes);
    } catch (java.net.UnknownHostException impossible) {
      throw new IllegalStateException(impossible);
    }
  }
}
