package dev.outrigger.agent.probe;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/** A tcpSocket probe as Istio's agent does it: the connection opens within the timeout, then closes. */
final class TcpSocketProber {
  private final EventLoopGroup group;
  private final ProbeTarget target;

  TcpSocketProber(EventLoopGroup group, ProbeTarget target) {
    this.group = group;
    this.target = target;
  }

  /** Completes when connected, exceptionally when refused or timed out. */
  CompletableFuture<Void> probe(AppProbe.TcpSocket probe) {
    CompletableFuture<Void> result = new CompletableFuture<>();
    ChannelFuture connect = new Bootstrap()
        .group(group)
        .channel(EpollSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, probe.timeout().toMillis()))
        .option(ChannelOption.SO_LINGER, 1)
        .handler(new ChannelInboundHandlerAdapter())
        .connect(new InetSocketAddress(target.destination(), probe.port()), new InetSocketAddress(target.source(), 0));
    connect.addListener(f -> {
      if (f.isSuccess()) {
        connect.channel().close();
        result.complete(null);
      } else {
        result.completeExceptionally(f.cause());
      }
    });
    return result;
  }
}
