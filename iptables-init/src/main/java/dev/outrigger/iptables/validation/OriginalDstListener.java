package dev.outrigger.iptables.validation;

import dev.outrigger.core.net.OriginalDestinationLookup;
import dev.outrigger.core.net.SockoptOriginalDestination;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts on the proxy's ports and completes when a connection arrives whose pre-NAT destination
 * port is the probe port, i.e. the kernel redirected it. Epoll sockets, because the accepted
 * descriptor is needed for SO_ORIGINAL_DST.
 */
final class OriginalDstListener implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OriginalDstListener.class);

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
  private final CompletableFuture<InetSocketAddress> redirected = new CompletableFuture<>();
  private final OriginalDestinationLookup lookup = new SockoptOriginalDestination();

  private OriginalDstListener() {}

  static OriginalDstListener start(ProbeTarget target) throws ValidationFailedException {
    if (!Epoll.isAvailable()) {
      throw new ValidationFailedException("epoll sockets are unavailable: " + Epoll.unavailabilityCause());
    }
    OriginalDstListener listener = new OriginalDstListener();
    List<InetSocketAddress> bound = new ArrayList<>();
    for (InetSocketAddress address : target.listeners()) {
      try {
        listener.bootstrap(target.probePort().number()).bind(address).sync();
        bound.add(address);
      } catch (Exception inUse) {
        // As istio's validator: one listener is enough, the other port may be taken by a running proxy.
        log.warn("validation listener on {} unavailable: {}", address, inUse.toString());
      }
    }
    if (bound.isEmpty()) {
      listener.close();
      throw new ValidationFailedException("no validation listener could bind " + target.listeners());
    }
    return listener;
  }

  CompletableFuture<InetSocketAddress> redirected() {
    return redirected;
  }

  private ServerBootstrap bootstrap(int probePort) {
    return new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
        .childHandler(new ChannelInitializer<EpollSocketChannel>() {
          @Override
          protected void initChannel(EpollSocketChannel channel) {
            inspect(channel, probePort);
            channel.close();
          }
        });
  }

  private void inspect(EpollSocketChannel channel, int probePort) {
    try {
      InetSocketAddress original = lookup.lookup(channel).address();
      if (original.getPort() == probePort) {
        redirected.complete(original);
      } else {
        log.debug("ignoring connection to {} (original destination {})", channel.localAddress(), original);
      }
    } catch (IOException notRedirected) {
      log.debug("connection to {} was not redirected: {}", channel.localAddress(), notRedirected.getMessage());
    }
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
