package dev.outrigger.core.server;

import dev.outrigger.core.listener.ListenerInitializer;
import dev.outrigger.core.net.TransparentSocketOptions;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.IntegerUnixChannelOption;
import java.io.IOException;
import java.net.InetSocketAddress;

/** Binding a capture listener with the socket options a transparent relay needs. */
final class Listeners {
  private static final int IPPROTO_IPV6 = 41;
  private static final int IPV6_V6ONLY = 26;
  /** An IPv6 socket that leaves IPv4 to the separate 0.0.0.0 socket on the same port. */
  private static final IntegerUnixChannelOption V6ONLY =
      new IntegerUnixChannelOption("IPV6_V6ONLY", IPPROTO_IPV6, IPV6_V6ONLY);

  private Listeners() {}

  private static boolean isTransparent(Channel channel, InetSocketAddress address) {
    Integer value = channel.config().getOption(TransparentSocketOptions.transparentFor(address.getAddress()));
    return value != null && value != 0;
  }

  static Channel bind(EventLoopGroup group, ListenerInitializer initializer, InetSocketAddress address, boolean v6Only)
      throws IOException, InterruptedException {
    return bind(group, initializer, address, v6Only, false);
  }

  /**
   * @param transparent IP_TRANSPARENT, for TPROXY: the listener then accepts connections to any
   *     address the mangle TPROXY rule diverts to its port
   */
  static Channel bind(EventLoopGroup group, ListenerInitializer initializer, InetSocketAddress address, boolean v6Only,
      boolean transparent) throws IOException, InterruptedException {
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(group)
        // One socket per family: accepted sockets then carry one family, which decides whether
        // SO_ORIGINAL_DST or IP6T_SO_ORIGINAL_DST answers (Netty would otherwise make dual-stack
        // sockets with IPv4-mapped addresses).
        .channelFactory(() -> new EpollServerSocketChannel(v6Only ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET))
        .option(ChannelOption.SO_REUSEADDR, true)
        .option(ChannelOption.SO_BACKLOG, 1024)
        // Reads start only once the upstream is connected (backpressure from the first byte).
        .childOption(ChannelOption.AUTO_READ, false)
        // A FIN from one side is passed on as a FIN while the other direction keeps flowing.
        .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(initializer);
    if (v6Only) {
      bootstrap.option(V6ONLY, 1);
    }
    if (transparent) {
      bootstrap.option(TransparentSocketOptions.transparentFor(address.getAddress()), 1);
    }
    ChannelFuture bound = bootstrap.bind(address).await();
    if (!bound.isSuccess()) {
      throw new IOException("cannot listen on " + address + ": " + bound.cause().getMessage(), bound.cause());
    }
    if (transparent && !isTransparent(bound.channel(), address)) {
      // Netty only logs a failed option; a listener that is not transparent receives nothing TPROXY diverts.
      bound.channel().close().await();
      throw new IOException("cannot listen transparently on " + address
          + ": IP_TRANSPARENT was refused (TPROXY mode needs the NET_ADMIN capability)");
    }
    return bound.channel();
  }
}
