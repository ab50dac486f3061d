package dev.outrigger.agent.inject.webhook;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The webhook's HTTPS server: TLS with {@link CertificateFiles}, HTTP/1.1, then
 * {@link WebhookHandler}. NIO, not epoll: the injector needs no Linux socket options and so
 * runs wherever a JVM does.
 */
public final class WebhookServer implements AutoCloseable {
  /** The API server refuses objects over 3 MiB; a review carries the object twice at most. */
  private static final int MAX_REQUEST_BYTES = 8 * 1024 * 1024;
  private static final int IDLE_SECONDS = 120;

  private final Channel channel;
  private final EventLoopGroup group;

  private WebhookServer(Channel channel, EventLoopGroup group) {
    this.channel = channel;
    this.group = group;
  }

  /** Listens on {@code address}; port 0 picks a free port (see {@link #port()}). */
  public static WebhookServer start(InetSocketAddress address, CertificateFiles certificates, AdmissionReviewer reviewer)
      throws IOException, InterruptedException {
    WebhookHandler handler = new WebhookHandler(reviewer);
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    ChannelFuture bound = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(
                certificates.context().newHandler(ch.alloc()),
                new ReadTimeoutHandler(IDLE_SECONDS),
                new HttpServerCodec(),
                new HttpObjectAggregator(MAX_REQUEST_BYTES),
                handler);
          }
        })
        .bind(address)
        .await();
    if (!bound.isSuccess()) {
      group.shutdownGracefully();
      throw new IOException("cannot listen on " + address + ": " + bound.cause().getMessage(), bound.cause());
    }
    return new WebhookServer(bound.channel(), group);
  }

  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  public void awaitClose() throws InterruptedException {
    channel.closeFuture().await();
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly();
    group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly();
  }
}
