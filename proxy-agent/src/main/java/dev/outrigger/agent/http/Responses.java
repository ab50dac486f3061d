package dev.outrigger.agent.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/** Writing a complete response on the agent's own small HTTP servers (admin, status, webhook). */
public final class Responses {
  private Responses() {}

  /** Sends the response, then closes the connection unless the client asked to keep it. */
  public static void send(ChannelHandlerContext ctx, HttpVersion version, boolean keepAlive,
      HttpResponseStatus status, String contentType, ByteBuf body) {
    FullHttpResponse response = new DefaultFullHttpResponse(version, status, body);
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    HttpUtil.setContentLength(response, body.readableBytes());
    HttpUtil.setKeepAlive(response, keepAlive);
    var write = ctx.writeAndFlush(response);
    if (!keepAlive) {
      write.addListener(ChannelFutureListener.CLOSE);
    }
  }
}
