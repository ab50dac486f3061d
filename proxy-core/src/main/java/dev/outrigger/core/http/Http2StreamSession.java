package dev.outrigger.core.http;

import dev.outrigger.core.ListenerContext;
import dev.outrigger.core.listener.ConnectionLifecycle;
import dev.outrigger.core.log.ConnectionRecord;
import dev.outrigger.core.route.HttpRouter;
import dev.outrigger.core.stats.Counter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;

/** One HTTP/2 stream from the client: exactly one exchange, sent upstream as an HTTP/2 stream too. */
final class Http2StreamSession extends ChannelInboundHandlerAdapter implements ExchangeOwner {
  private final ConnectionRecord connection;
  private final HttpRouter router;
  private final ListenerContext context;
  private Exchange exchange;

  Http2StreamSession(ConnectionRecord connection, HttpRouter router, ListenerContext context) {
    this.connection = connection;
    this.router = router;
    this.context = context;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    ConnectionLifecycle.of(ctx.channel()).hold(); // the connection stays active until this stream's line is written
    ctx.read();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    ConnectionLifecycle.of(ctx.channel()).release();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (exchange == null && msg instanceof HttpRequest) {
      context.stats().increment(Counter.DOWNSTREAM_RQ_TOTAL);
      HttpRequest request = (HttpRequest) msg;
      exchange = new Exchange(this, ctx.channel(), request, connection, router.route(request), context);
      exchange.start();
    } else if (exchange != null && msg instanceof HttpContent) {
      exchange.requestContent((HttpContent) msg);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (exchange != null) {
      exchange.downstreamReadComplete();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (exchange != null && ctx.channel().isWritable()) {
      exchange.downstreamWritable();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (exchange != null) {
      exchange.downstreamClosed();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close(); // resets this stream only
  }

  @Override
  public void exchangeDone(boolean keepAlive) {
    // The stream ends with the response's end-of-stream; the connection carries on.
  }

  @Override
  public void handedOver() {
    throw new IllegalStateException("HTTP/2 has no 101 upgrade");
  }

  @Override
  public String protocol(HttpRequest request) {
    return "HTTP/2";
  }

  @Override
  public boolean http2() {
    return true;
  }
}
