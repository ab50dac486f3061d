package dev.outrigger.agent.inject.webhook;

import dev.outrigger.agent.http.Responses;
import dev.outrigger.core.telemetry.PrometheusText;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POST /inject (the API server's AdmissionReview), GET /healthz/ready (the injector's probe) and
 * GET /metrics (Istio's injection counters, Prometheus text).
 */
@ChannelHandler.Sharable
final class WebhookHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  static final String INJECT_PATH = "/inject";
  static final String READY_PATH = "/healthz/ready";
  static final String METRICS_PATH = "/metrics";
  private static final Logger log = LoggerFactory.getLogger(WebhookHandler.class);

  private final AdmissionReviewer reviewer;

  WebhookHandler(AdmissionReviewer reviewer) {
    this.reviewer = reviewer;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    String path = new QueryStringDecoder(request.uri()).path();
    if (!request.decoderResult().isSuccess()) {
      reply(ctx, request, HttpResponseStatus.BAD_REQUEST, "text/plain", "bad request\n".getBytes(StandardCharsets.UTF_8));
    } else if (INJECT_PATH.equals(path) && request.method().equals(HttpMethod.POST)) {
      try {
        byte[] answer = reviewer.review(ByteBufUtil.getBytes(request.content()));
        reply(ctx, request, HttpResponseStatus.OK, "application/json", answer);
      } catch (IllegalArgumentException e) {
        log.warn("rejected a request that is not an AdmissionReview: {}", e.getMessage());
        reply(ctx, request, HttpResponseStatus.BAD_REQUEST, "text/plain",
            ("not an admission.k8s.io/v1 AdmissionReview: " + e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8));
      }
    } else if (READY_PATH.equals(path) && request.method().equals(HttpMethod.GET)) {
      reply(ctx, request, HttpResponseStatus.OK, "text/plain", "ok\n".getBytes(StandardCharsets.UTF_8));
    } else if (METRICS_PATH.equals(path) && request.method().equals(HttpMethod.GET)) {
      reply(ctx, request, HttpResponseStatus.OK, PrometheusText.TEXT_CONTENT_TYPE, reviewer.metrics().text());
    } else {
      reply(ctx, request, HttpResponseStatus.NOT_FOUND, "text/plain",
          ("use POST " + INJECT_PATH + ", GET " + READY_PATH + " or GET " + METRICS_PATH + "\n").getBytes(StandardCharsets.UTF_8));
    }
  }

  private static void reply(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status,
      String contentType, byte[] body) {
    Responses.send(ctx, request.protocolVersion(), HttpUtil.isKeepAlive(request), status, contentType,
        Unpooled.wrappedBuffer(body));
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // TLS handshake failures (a client that does not trust us, a port scan) end here.
    log.debug("webhook connection failed", cause);
    ctx.close();
  }
}
