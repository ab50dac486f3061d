package dev.outrigger.core.http;

import dev.outrigger.core.ListenerContext;
import dev.outrigger.core.log.AccessLogEntry;
import dev.outrigger.core.log.ConnectionRecord;
import dev.outrigger.core.log.ResponseFlag;
import dev.outrigger.core.relay.DegradedLog;
import dev.outrigger.core.stats.Counter;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Envoy's request_headers_timeout on an HTTP/1.1 connection: from the first byte of a request to
 * the end of its head. A client that trickles its head (slowloris) gets Envoy's local reply, 408
 * {@code request header timeout} (details {@code request_header_timeout}), and the connection is
 * closed, because the rest of the head can no longer be told apart from a next request.
 *
 * <p>Two handlers share the clock: {@link #bytes()} sits before the codec and starts it on the first
 * byte read while a new head is awaited; {@link #heads()} sits after the codec, stops it when a head
 * is complete and awaits a new head after the request's last content. Like Envoy, which creates
 * the next stream only once the previous one is done, the clock of a pipelined head starts with
 * the first read after the previous exchange, since the session does not read during one.
 */
final class RequestHeadersDeadline {
  private final Channel channel;
  private final ConnectionRecord connection;
  private final ListenerContext context;
  private final long timeoutNanos;
  private ScheduledFuture<?> timer;
  private long headStartNanos;
  private boolean awaitingHead = true;
  private boolean expired;

  RequestHeadersDeadline(Channel channel, ConnectionRecord connection, ListenerContext context) {
    this.channel = channel;
    this.connection = connection;
    this.context = context;
    this.timeoutNanos = context.http().timeouts().requestHeaders().toNanos();
  }

  /** Starts the clock of the first head at {@code firstByteNanos}, when detection already read it. */
  void start(long firstByteNanos) {
    if (timeoutNanos > 0 && firstByteNanos != 0) {
      arm(firstByteNanos);
    }
  }

  ChannelHandler bytes() {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (awaitingHead && timer == null && timeoutNanos > 0 && ((ByteBuf) msg).isReadable()) {
          arm(System.nanoTime());
        }
        ctx.fireChannelRead(msg);
      }

      @Override
      public void handlerRemoved(ChannelHandlerContext ctx) {
        disarm(); // an upgrade made the connection a byte relay
      }
    };
  }

  ChannelHandler heads() {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (expired) {
          ReferenceCountUtil.release(msg); // what the codec makes of the rest as the connection closes
          return;
        }
        if (msg instanceof HttpRequest) {
          awaitingHead = false;
          disarm();
        }
        if (msg instanceof LastHttpContent) {
          awaitingHead = true;
        }
        ctx.fireChannelRead(msg);
      }
    };
  }

  private void arm(long startNanos) {
    headStartNanos = startNanos;
    long delay = Math.max(0, startNanos + timeoutNanos - System.nanoTime());
    timer = channel.eventLoop().schedule(this::expire, delay, TimeUnit.NANOSECONDS);
  }

  private void disarm() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private void expire() {
    timer = null;
    if (expired || !awaitingHead || !channel.isActive()) {
      return;
    }
    expired = true;
    context.stats().increment(Counter.DOWNSTREAM_RQ_TOTAL);
    context.stats().increment(Counter.DOWNSTREAM_RQ_HEADER_TIMEOUT);
    context.stats().increment(Counter.DOWNSTREAM_RQ_LOCAL_REPLY);
    DegradedLog.log("request headers timeout", connection, null);
    LocalReply reply = LocalReply.requestHeaderTimeout();
    FullHttpResponse response = reply.toResponse(channel.alloc(), HttpVersion.HTTP_1_1);
    HttpUtil.setKeepAlive(response, false);
    long bytesSent = response.content().readableBytes();
    channel.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    AccessLogEntry entry = entry(reply, bytesSent);
    context.accessLog().write(entry);
    context.telemetry().httpRequest(entry); // Istio counts the 408 as a request, as for any local reply
  }

  /** The line Envoy writes for a stream that never had request headers: method and path {@code -}. */
  private AccessLogEntry entry(LocalReply reply, long bytesSent) {
    long elapsedNanos = System.nanoTime() - headStartNanos;
    Instant start = Instant.now().minusNanos(elapsedNanos);
    ResponseFlag flag = reply.flag();
    return new AccessLogEntry(context.direction(), start, null, null, "HTTP/1.1", reply.status().code(), flag.code(),
        reply.details(), null, null, 0, bytesSent, elapsedNanos / 1_000_000, null, null, null, null, null, null,
        null, null, connection.originalDestination(), connection.downstreamRemote(), null, null);
  }
}
