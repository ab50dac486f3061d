package dev.outrigger.core.http;

import dev.outrigger.core.ListenerContext;
import dev.outrigger.core.stats.Counter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * RFC 9113 section 8.3.1: a request stream's first HEADERS frame has :method, :scheme and a
 * non-empty :path (CONNECT aside). A stream without them is malformed and is reset with
 * PROTOCOL_ERROR, as Envoy resets it, before Netty's conversion to an HTTP/1 request sees it.
 */
final class Http2RequestCheck extends ChannelInboundHandlerAdapter {
  private final ListenerContext context;
  private boolean checked;

  Http2RequestCheck(ListenerContext context) {
    this.context = context;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!checked && msg instanceof Http2HeadersFrame frame) {
      checked = true;
      if (!wellFormed(frame.headers())) {
        ReferenceCountUtil.release(msg);
        context.stats().increment(Counter.DOWNSTREAM_RQ_PROTOCOL_ERROR);
        ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.PROTOCOL_ERROR));
        ctx.close();
        return;
      }
    }
    ctx.fireChannelRead(msg);
  }

  private static boolean wellFormed(Http2Headers h) {
    CharSequence method = h.method();
    if (method == null) {
      return false;
    }
    if ("CONNECT".contentEquals(method)) {
      return h.authority() != null;
    }
    return h.scheme() != null && h.path() != null && h.path().length() > 0;
  }
}
