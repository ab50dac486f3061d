package dev.outrigger.core.net;

import io.netty.channel.unix.IntegerUnixChannelOption;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * The socket options of TPROXY interception, set through Netty's raw option support so that the
 * IPv6 socket gets IPV6_TRANSPARENT rather than the IPv4 option. Both need CAP_NET_ADMIN (Istio
 * gives the proxy container NET_ADMIN in TPROXY mode for this).
 */
public final class TransparentSocketOptions {
  /**
   * Istio's InboundTProxyMark. The proxy's connections to the app carry it; the mangle rules save it
   * on the connection (CONNMARK --save-mark) and restore it on the app's replies, which
   * {@code ip rule add fwmark 1337 lookup 133} then routes back over lo to the proxy's socket.
   * Fixed, as for Envoy: istiod gives its original_src listener filter the constant mark 1337
   * (pilot/pkg/xds/filters, 1.12 to 1.30) and no environment variable changes it; istio-iptables'
   * -t only changes the rules (outrigger iptables warns when it is not 1337).
   */
  public static final int TPROXY_MARK = 1337;

  private static final int SOL_SOCKET = 1;
  private static final int SO_MARK = 36;
  private static final int SOL_IP = 0;
  private static final int IP_TRANSPARENT = 19;
  private static final int SOL_IPV6 = 41;
  private static final int IPV6_TRANSPARENT = 75;

  /** Accept connections for, or bind to, addresses that are not this host's. */
  public static final IntegerUnixChannelOption IP_TRANSPARENT_V4 =
      new IntegerUnixChannelOption("IP_TRANSPARENT", SOL_IP, IP_TRANSPARENT);
  public static final IntegerUnixChannelOption IP_TRANSPARENT_V6 =
      new IntegerUnixChannelOption("IPV6_TRANSPARENT", SOL_IPV6, IPV6_TRANSPARENT);
  public static final IntegerUnixChannelOption MARK = new IntegerUnixChannelOption("SO_MARK", SOL_SOCKET, SO_MARK);

  private TransparentSocketOptions() {}

  /** IP_TRANSPARENT or IPV6_TRANSPARENT, for a socket of {@code address}'s family. */
  public static IntegerUnixChannelOption transparentFor(InetAddress address) {
    return address instanceof Inet6Address ? IP_TRANSPARENT_V6 : IP_TRANSPARENT_V4;
  }
}
