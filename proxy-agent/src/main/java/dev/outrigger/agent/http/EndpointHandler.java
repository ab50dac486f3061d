package dev.outrigger.agent.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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
    if (endpoint == null) {
      endpoint = subtree(uri.path());
    }
    HttpVersion version = request.protocolVersion();
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    Reply reply;
    if (!request.decoderResult().isSuccess()) {
      reply = Reply.text(HttpResponseStatus.BAD_REQUEST, "bad request\n");
    } else if (endpoint == null) {
      reply = Reply.text(HttpResponseStatus.NOT_FOUND, "no such path; known: " + String.join(" ", endpoints.keySet()) + "\n");
    } else if (endpoint instanceof AsyncEndpoint || endpoint instanceof SubtreeEndpoint) {
      // Reads pause until the answer is written, so that answers keep the order of the requests.
      ctx.channel().config().setAutoRead(false);
      CompletionStage<Reply> pending;
      try {
        pending = endpoint instanceof AsyncEndpoint async
            ? async.handleAsync(request.method(), uri.parameters(), request.headers().copy())
            : ((SubtreeEndpoint) endpoint).handleAsync(uri.path(), request.method(), request.headers().copy());
      } catch (RuntimeException e) {
        pending = CompletableFuture.failedFuture(e);
      }
      pending.whenComplete((answer, failure) -> ctx.executor().execute(() -> {
        write(ctx, version, keepAlive, failure == null ? answer : failed(uri.path(), failure));
        ctx.channel().config().setAutoRead(true);
      }));
      return;
    } else {
      try {
        reply = endpoint.handle(request.method(), uri.parameters());
      } catch (RuntimeException e) {
        reply = failed(uri.path(), e);
      }
    }
    write(ctx, version, keepAlive, reply);
  }

  /** The longest registered subtree ("/prefix/") that the path lies below, or null. */
  private Endpoint subtree(String path) {
    Endpoint best = null;
    int bestLength = 0;
    for (Map.Entry<String, Endpoint> entry : endpoints.entrySet()) {
      String key = entry.getKey();
      if (key.endsWith("/") && path.startsWith(key) && key.length() > bestLength
          && entry.getValue() instanceof SubtreeEndpoint) {
        best = entry.getValue();
        bestLength = key.length();
      }
    }
    return best;
  }

  private static Reply failed(String path, Throwable e) {
    log.error("admin endpoint {} failed", path, e);
    return Reply.text(HttpResponseStatus.INTERNAL_SERVER_ERROR, e + "\n");
  }

  private static void write(ChannelHandlerContext ctx, HttpVersion version, boolean keepAlive, Reply reply) {
    Responses.send(ctx, version, keepAlive, reply.status(), reply.contentType(),
        Unpooled.copiedBuffer(reply.body(), StandardCharsets.UTF_8));
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("admin connection failed", cause);
    ctx.close();
  }
}
