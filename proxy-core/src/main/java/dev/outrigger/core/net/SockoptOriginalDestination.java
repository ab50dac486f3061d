package dev.outrigger.core.net;

import dev.outrigger.core.os.LinuxSockets;
import io.netty.channel.Channel;
import io.netty.channel.unix.UnixChannel;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;

/** Reads SO_ORIGINAL_DST (IPv4) or IP6T_SO_ORIGINAL_DST (IPv6) from the accepted socket. */
public final class SockoptOriginalDestination implements OriginalDestinationLookup {

  /**
   * Loads libc through jnr now, so that a host where that cannot work (no native stub, a noexec
   * temporary directory) fails at startup with the reason, not on every connection.
   */
  public SockoptOriginalDestination() {
    LinuxSockets.ensureLoaded();
  }

  @Override
  public InetSocketAddress lookup(Channel accepted) throws IOException {
    if (!(accepted instanceof UnixChannel)) {
      throw new IOException("not a native socket: " + accepted.getClass().getSimpleName());
    }
    int fd = ((UnixChannel) accepted).fd().intValue();
    // The family of the listening socket decides which netfilter table answers.
    boolean ipv6 = ((InetSocketAddress) accepted.localAddress()).getAddress() instanceof Inet6Address;
    return LinuxSockets.originalDestination(fd, ipv6);
  }
}
