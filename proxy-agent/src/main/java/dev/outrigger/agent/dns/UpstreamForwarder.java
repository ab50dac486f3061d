package dev.outrigger.agent.dns;

import dev.outrigger.core.log.RateLimitedLog;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends a query, byte for byte, to the original nameservers one after another (in a random
 * order, as Istio's queryUpstream) until one answers: over UDP from a fresh socket for a UDP
 * query, over TCP for a TCP query, each attempt bounded by the timeout. A truncated UDP reply is
 * passed on as it is, so the client asks again over TCP (and that goes upstream over TCP).
 * Everything runs on the given event loop; nothing blocks.
 */
final class UpstreamForwarder {
  private static final RateLimitedLog warnings =
      new RateLimitedLog(UpstreamForwarder.class.getName(), Duration.ofSeconds(10), "DNS upstream");

  private final List<InetSocketAddress> servers;
  private final Duration timeout;
  private final DnsStats stats;

  UpstreamForwarder(List<InetSocketAddress> servers, Duration timeout, DnsStats stats) {
    this.servers = List.copyOf(servers);
    this.timeout = timeout;
    this.stats = stats;
  }

  /** The first upstream reply, or a failure once every server failed. */
  Future<byte[]> forward(EventLoop loop, DnsQuery query, Transport transport) {
    Promise<byte[]> result = loop.newPromise();
    List<InetSocketAddress> order = new ArrayList<>(servers);
    Collections.shuffle(order);
    attempt(loop, query, transport, order, 0, result);
    return result;
  }

  private void attempt(EventLoop loop, DnsQuery query, Transport transport, List<InetSocketAddress> order, int index,
      Promise<byte[]> result) {
    if (index >= order.size()) {
      result.tryFailure(new IllegalStateException(order.isEmpty() ? "no nameservers" : "every nameserver failed"));
      return;
    }
    InetSocketAddress server = order.get(index);
    Promise<byte[]> one = loop.newPromise();
    ScheduledFuture<?> timer = loop.schedule(
        () -> one.tryFailure(new TimeoutException("no reply within " + timeout.toMillis() + " ms")),
        timeout.toMillis(), TimeUnit.MILLISECONDS);
    Channel channel = transport == Transport.UDP ? udp(loop, server, query, one) : tcp(loop, server, query, one);
    one.addListener(f -> {
      timer.cancel(false);
      channel.close();
      if (f.isSuccess()) {
        result.trySuccess(one.getNow());
        return;
      }
      String reason = reason(f.cause());
      stats.upstreamErrors.labelValues(reason).inc();
      warnings.warn("DNS upstream {} over {} failed for {} {} ({}): {}", server, transport.label(), query.name(),
          query.type().name(), reason, f.cause().getMessage());
      attempt(loop, query, transport, order, index + 1, result);
    });
  }

  private static String reason(Throwable cause) {
    if (cause instanceof TimeoutException) {
      return "timeout";
    }
    if (cause instanceof PortUnreachableException || cause instanceof ConnectException
        || (cause.getMessage() != null && cause.getMessage().contains("refused"))) {
      return "refused";
    }
    return "error";
  }

  private Channel udp(EventLoop loop, InetSocketAddress server, DnsQuery query, Promise<byte[]> reply) {
    ChannelFuture connect = new Bootstrap().group(loop).channel(EpollDatagramChannel.class)
        .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
          @Override
          protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            accept(packet.content(), query, reply);
          }

          @Override
          public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            reply.tryFailure(cause); // a connected UDP socket reports ICMP port unreachable here
          }
        })
        .connect(server);
    connect.addListener((ChannelFuture f) -> {
      if (!f.isSuccess()) {
        reply.tryFailure(f.cause());
        return;
      }
      f.channel().writeAndFlush(Unpooled.wrappedBuffer(query.wire())).addListener(w -> {
        if (!w.isSuccess()) {
          reply.tryFailure(w.cause());
        }
      });
    });
    return connect.channel();
  }

  private Channel tcp(EventLoop loop, InetSocketAddress server, DnsQuery query, Promise<byte[]> reply) {
    ChannelFuture connect = new Bootstrap().group(loop).channel(EpollSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(65535 + 2, 0, 2, 0, 2), new LengthFieldPrepender(2),
                new SimpleChannelInboundHandler<ByteBuf>() {
                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
                    accept(frame, query, reply);
                  }

                  @Override
                  public void channelInactive(ChannelHandlerContext ctx) {
                    reply.tryFailure(new IllegalStateException("connection closed before a reply"));
                  }

                  @Override
                  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    reply.tryFailure(cause);
                  }
                });
          }
        })
        .connect(server);
    connect.addListener((ChannelFuture f) -> {
      if (!f.isSuccess()) {
        reply.tryFailure(f.cause());
        return;
      }
      f.channel().writeAndFlush(Unpooled.wrappedBuffer(query.wire()));
    });
    return connect.channel();
  }

  /** A reply counts only with the query's id; anything else on the socket is ignored. */
  private static void accept(ByteBuf message, DnsQuery query, Promise<byte[]> reply) {
    byte[] bytes = ByteBufUtil.getBytes(message);
    if (bytes.length >= DnsWire.HEADER_BYTES && DnsWire.id(bytes) == query.id() && (bytes[2] & 0x80) != 0) {
      reply.trySuccess(bytes);
    }
  }
}
