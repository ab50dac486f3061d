package dev.outrigger.core.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.unix.RawUnixChannelOption;
import io.netty.channel.unix.UnixChannel;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Reads SO_ORIGINAL_DST (IPv4) or IP6T_SO_ORIGINAL_DST (IPv6) from the accepted socket, through
 * the raw getsockopt Netty's native transport already carries. No FFI binding is loaded for it,
 * which keeps a few hundred generated classes and their start-up time out of the proxy.
 */
public final class SockoptOriginalDestination implements OriginalDestinationLookup {
  private static final int SOL_IP = 0;
  private static final int SOL_IPV6 = 41;
  /** Same number for both families: SO_ORIGINAL_DST (linux/netfilter_ipv4.h) and IP6T_SO_ORIGINAL_DST. */
  private static final int SO_ORIGINAL_DST = 80;

  static final RawUnixChannelOption IPV4 =
      new RawUnixChannelOption("SO_ORIGINAL_DST", SOL_IP, SO_ORIGINAL_DST, Sockaddr.IN_LENGTH);
  static final RawUnixChannelOption IPV6 =
      new RawUnixChannelOption("IP6T_SO_ORIGINAL_DST", SOL_IPV6, SO_ORIGINAL_DST, Sockaddr.IN6_LENGTH);

  @Override
  public OriginalDestination lookup(Channel accepted) throws IOException {
    if (!(accepted instanceof UnixChannel)) {
      throw new IOException("not a native socket: " + accepted.getClass().getSimpleName());
    }
    // The family of the listening socket decides which netfilter table answers.
    boolean ipv6 = ((InetSocketAddress) accepted.localAddress()).getAddress() instanceof Inet6Address;
    return new OriginalDestination(read(accepted, ipv6 ? IPV6 : IPV4));
  }

  static InetSocketAddress read(Channel accepted, RawUnixChannelOption option) throws IOException {
    if (!accepted.isOpen()) {
      // Never a syscall on a closed descriptor's number: it may already name another file or socket.
      throw new IOException("getsockopt(" + option.name() + ") not called: " + new java.nio.channels.ClosedChannelException());
    }
    ByteBuffer raw;
    try {
      raw = accepted.config().getOption(option);
    } catch (ChannelException e) {
      // Netty's native call reports the kernel's error as text (strerror), not as an errno.
      // ENOENT: conntrack has no record (not redirected); ENOPROTOOPT: conntrack is not loaded.
      throw new IOException("getsockopt(" + option.name() + ") failed: " + e.getMessage(), e);
    }
    return Sockaddr.decode(raw);
  }
}
