package dev.outrigger.core.http;

import dev.outrigger.core.listener.ListenerDrain;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;

/**
 * While the listener drains, every final response on an HTTP/1 connection says
 * {@code Connection: close}, as Envoy's connection manager does once a drain has started: the client
 * opens its next request on a new connection instead of racing the close. The session then closes
 * the connection after the exchange and counts it. A response already sent keep-alive when the
 * drain started leaves an idle keep-alive, closed at the end of the drain timeout. 1xx and 101
 * responses are left alone (Envoy: not on upgrades).
 */
final class Http1DrainClose extends ChannelOutboundHandlerAdapter {
  private boolean saidClose;

  /** True once a response on {@code ch} said Connection: close because of the drain. */
  static boolean saidClose(Channel ch) {
    Http1DrainClose handler = ch.pipeline().get(Http1DrainClose.class);
    return handler != null && handler.saidClose;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof HttpResponse response && response.status().code() >= 200
        && ListenerDrain.isDraining(ctx.channel())) {
      HttpUtil.setKeepAlive(response, false);
      saidClose = true;
    }
    ctx.write(msg, promise);
  }
}
