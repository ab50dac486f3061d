package dev.outrigger.agent.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;

/** A small HTTP/1.1 server for the admin and status ports, apart from the data path's threads. */
public final class EndpointServer {
  private static final int MAX_REQUEST_BYTES = 64 * 1024;

  private EndpointServer() {}

  public static Channel bind(EventLoopGroup group, InetSocketAddress address, Map<String, Endpoint> endpoints)
      throws IOException, InterruptedException {
    EndpointHandler handler = new EndpointHandler(endpoints);
    ChannelFuture bound = new ServerBootstrap()
        .group(group)
        .channel(EpollServerSocketChannel.class)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_REQUEST_BYTES), handler);
          }
        })
        .bind(address)
        .await();
    if (!bound.isSuccess()) {
      throw new IOException("cannot listen on " + address + ": " + bound.cause().getMessage(), bound.cause());
    }
    return bound.channel();
  }
}
