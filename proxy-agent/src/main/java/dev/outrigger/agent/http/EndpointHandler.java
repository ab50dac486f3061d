package dev.outrigger.agent.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Dispatches admin/status requests by path to their {@link Endpoint}. */
@ChannelHandler.Sharable
final class EndpointHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger log = LoggerFactory.getLogger(EndpointHandler.class);
  private final Map<String, Endpoint> endpoints;

  EndpointHandler(Map<String, Endpoint> endpoints) {
    this.endpoints = Map.copyOf(endpoints);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    QueryStringDecoder uri = new QueryStringDecoder(request.uri());
    Endpoint endpoint = endpoints.get(uri.path());
    Reply reply;
    if (!request.decoderResult().isSuccess()) {
      reply = Reply.text(HttpResponseStatus.BAD_REQUEST, "bad request\n");
    } else if (endpoint == null) {
      reply = Reply.text(HttpResponseStatus.NOT_FOUND, "no such path; known: " + String.join(" ", endpoints.keySet()) + "\n");
    } else {
      try {
        reply = endpoint.handle(request.method(), uri.parameters());
      } catch (RuntimeException e) {
        log.error("admin endpoint {} failed", uri.path(), e);
        reply = Reply.text(HttpResponseStatus.INTERNAL_SERVER_ERROR, e + "\n");
      }
    }
    ByteBuf body = Unpooled.copiedBuffer(reply.body(), StandardCharsets.UTF_8);
    FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(), reply.status(), body);
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
    HttpUtil.setContentLength(response, body.readableBytes());
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    HttpUtil.setKeepAlive(response, keepAlive);
    var write = ctx.writeAndFlush(response);
    if (!keepAlive) {
      write.addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("admin connection failed", cause);
    ctx.close();
  }
}
