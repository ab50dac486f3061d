package dev.outrigger.core.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/** Passes what an upstream HTTP/1.1 connection says to the attempt that currently borrows it. */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {
  private UpstreamAttempt attempt;

  void attach(UpstreamAttempt attempt) {
    this.attempt = attempt;
  }

  void detach() {
    this.attempt = null;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (attempt == null) {
      ReferenceCountUtil.release(msg); // bytes on an idle connection: it is no longer trustworthy
      ctx.close();
      return;
    }
    attempt.onRead((HttpObject) msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (attempt != null) {
      attempt.onReadComplete();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (attempt != null && ctx.channel().isWritable()) {
      attempt.onWritable();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (attempt != null) {
      attempt.onClosed(null);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    UpstreamAttempt current = attempt;
    attempt = null; // channelInactive, which follows, must not report the failure a second time
    ctx.close();
    if (current != null) {
      current.onClosed(cause);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent && attempt == null) {
      ctx.close(); // idle in the pool for too long
    } else if (evt instanceof Http2ResetFrame reset && attempt != null
        && reset.errorCode() == Http2Error.REFUSED_STREAM.code()) {
      attempt.onRefused(); // the stream's close follows; a refused stream is safe to retry
      ctx.fireUserEventTriggered(evt);
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }
}
