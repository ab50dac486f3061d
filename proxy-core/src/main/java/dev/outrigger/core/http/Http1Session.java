package dev.outrigger.core.http;

import dev.outrigger.core.ListenerContext;
import dev.outrigger.core.listener.ListenerDrain;
import dev.outrigger.core.log.ConnectionRecord;
import dev.outrigger.core.overload.PeerHalfClosed;
import dev.outrigger.core.relay.DegradedLog;
import dev.outrigger.core.overload.ReadGate;
import dev.outrigger.core.route.HttpRouter;
import dev.outrigger.core.stats.Counter;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One client HTTP/1.1 connection: its requests are proxied one at a time, in order. Pipelined
 * requests wait in a queue, which stays small because the connection is not read again until
 * the current exchange needs more of its request body or has finished.
 */
final class Http1Session extends ChannelInboundHandlerAdapter implements ExchangeOwner {
  private final ConnectionRecord connection;
  private final HttpRouter router;
  private final ListenerContext context;
  private final ArrayDeque<HttpObject> queued = new ArrayDeque<>();
  private Channel channel;
  private Exchange current;
  private boolean closing;
  /** A 101 made this connection a byte relay: a drain's idle close no longer applies. */
  private boolean handedOver;

  Http1Session(ConnectionRecord connection, HttpRouter router, ListenerContext context) {
    this.connection = connection;
    this.router = router;
    this.context = context;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    HttpObject object = (HttpObject) msg;
    if (current != null && !current.requestDone()) {
      current.requestContent((HttpContent) object);
    } else if (closing) {
      ReferenceCountUtil.release(msg);
    } else if (current != null || !queued.isEmpty()) {
      queued.add(object);
    } else {
      begin(object);
    }
  }

  private void begin(HttpObject object) {
    if (!(object instanceof HttpRequest)) {
      ReferenceCountUtil.release(object); // the rest of a request that was already answered
      return;
    }
    HttpRequest request = (HttpRequest) object;
    context.stats().increment(Counter.DOWNSTREAM_RQ_TOTAL);
    // Checked before the exchange reads the request: an absolute-form target becomes origin form.
    Optional<LocalReply> refusal = Http1RequestChecks.check(request, context.http());
    current = new Exchange(this, channel, request, connection, router.route(request), context);
    if (refusal.isPresent()) {
      current.reject(refusal.get());
    } else {
      current.start();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (current != null) {
      current.downstreamReadComplete();
    } else if (!closing) {
      ReadGate.read(ctx.channel(), null);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable() && current != null) {
      current.downstreamWritable();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    boolean waitingOnlyForTheAnswer = current == null || current.requestDone();
    if (evt instanceof ChannelInputShutdownEvent
        || evt == PeerHalfClosed.INSTANCE && waitingOnlyForTheAnswer) {
      // As in Envoy's HTTP/1 codec, a client FIN ends the connection: an exchange still waiting
      // for its response is cut (flag DC) rather than answered into a socket nobody reads.
      closing = true;
      ctx.close();
    } else if (evt == ListenerDrain.STARTED) {
      // Busy or not, the next response says Connection: close and exchangeDone() closes after it.
      long timeout = ListenerDrain.DRAIN_TIMEOUT.toMillis();
      ctx.executor().schedule(() -> closeIfIdle(ctx), timeout, TimeUnit.MILLISECONDS);
    } else if (evt instanceof IdleStateEvent) {
      if (current == null && queued.isEmpty()) {
        HttpConnectionIdle.close(ctx.channel(), connection, context); // between requests
      } // else the exchange's own timers (stream idle, route) decide
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  /**
   * Envoy's drain timeout is over: a keep-alive between requests is closed (Envoy: Closing state).
   * A connection handed over to a byte relay (WebSocket) is not HTTP any more and goes on.
   */
  private void closeIfIdle(ChannelHandlerContext ctx) {
    if (current == null && queued.isEmpty() && !closing && !handedOver && ctx.channel().isActive()) {
      drainClose();
      ctx.close();
    }
  }

  private void drainClose() {
    closing = true;
    context.stats().increment(Counter.DOWNSTREAM_CX_DRAIN_CLOSE);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    queued.forEach(ReferenceCountUtil::release);
    queued.clear();
    if (current != null) {
      current.downstreamClosed();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // The client's socket failed (a reset, mostly): counted and logged as the L4 relay does;
    // channelInactive then ends the exchange with flag DC.
    context.stats().increment(Counter.DOWNSTREAM_CX_RESET);
    DegradedLog.log("downstream reset", connection, cause);
    ctx.close();
  }

  @Override
  public String protocol(HttpRequest request) {
    return request.protocolVersion().text();
  }

  @Override
  public boolean http2() {
    return false;
  }

  /** The exchange is over; go on with the next request, or close. */
  @Override
  public void exchangeDone(boolean keepAlive) {
    current = null;
    if (keepAlive && !closing && Http1DrainClose.saidClose(channel)) {
      drainClose();
    }
    if (!keepAlive || closing) {
      closing = true;
      channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    while (!queued.isEmpty() && (current == null || !current.requestDone())) {
      HttpObject next = queued.poll();
      if (current == null) {
        begin(next);
      } else {
        current.requestContent((HttpContent) next);
      }
    }
    if (current == null || !current.requestDone()) {
      ReadGate.read(channel, null);
    }
  }

  /** A 101 answer turned this connection into a byte relay. */
  @Override
  public void handedOver() {
    handedOver = true;
    current = null;
  }
}
