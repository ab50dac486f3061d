package dev.outrigger.core.route;

import dev.outrigger.core.net.BindAddress;
import dev.outrigger.core.net.TransparentSocketOptions;
import io.netty.bootstrap.Bootstrap;
import dev.outrigger.core.overload.BufferBudget;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import java.net.Inet6Address;
import java.time.Duration;

/**
 * Opens upstream connections for both the L4 relay and the HTTP pools, with the same options, and
 * installs each connection's transport ({@link UpstreamTransport}) before its protocol handlers.
 */
public final class UpstreamConnector {
  private final int connectTimeoutMillis;
  private final Duration connectTimeout;
  private final BufferBudget budget;

  public UpstreamConnector(Duration connectTimeout) {
    this(connectTimeout, null);
  }

  /** @param budget what upstream connections' reads are counted against, or null for none */
  public UpstreamConnector(Duration connectTimeout, BufferBudget budget) {
    this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
    this.connectTimeout = connectTimeout;
    this.budget = budget;
  }

  /**
   * Connects on {@code loop}, which should be the client connection's own event loop: both sides
   * are then handled by one thread and share state without locks.
   */
  public ChannelFuture connect(EventLoop loop, Upstream upstream, ChannelHandler handler) {
    SocketProtocolFamily family =
        upstream.address().getAddress() instanceof Inet6Address ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET;
    Bootstrap bootstrap = new Bootstrap()
        .group(loop)
        .channelFactory(() -> new EpollSocketChannel(family))
        .option(ChannelOption.AUTO_READ, false)
        .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
        .handler(initializer(upstream.transport(), handler));
    if (upstream.bindAddress().isEmpty()) {
      return upstream.transport().established(bootstrap.connect(upstream.address()), connectTimeout);
    }
    // Choose the source port at connect(), not bind(): ports are then shared across destinations.
    bootstrap.option(EpollChannelOption.IP_BIND_ADDRESS_NO_PORT, true);
    BindAddress bind = upstream.bindAddress().get();
    if (bind.transparent()) {
      bootstrap.option(TransparentSocketOptions.transparentFor(bind.ip()), 1)
          .option(TransparentSocketOptions.MARK, TransparentSocketOptions.TPROXY_MARK);
    }
    return upstream.transport().established(
        bootstrap.connect(upstream.address(), upstream.bindAddress().get().address()), connectTimeout);
  }

  /** Socket end first: the read budget, then the transport, then the protocol's {@code handler}. */
  private ChannelHandler initializer(UpstreamTransport transport, ChannelHandler handler) {
    return new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel ch) {
        if (budget != null) {
          budget.install(ch);
        }
        transport.install(ch);
        ch.pipeline().addLast(handler);
      }
    };
  }
}
