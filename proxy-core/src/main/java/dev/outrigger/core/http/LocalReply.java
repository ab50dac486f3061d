package dev.outrigger.core.http;

import dev.outrigger.core.log.ResponseFlag;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * A response the proxy writes itself, with Envoy's status, body, response flag and
 * response_code_details, so that clients and log queries see what they would see with Envoy.
 */
record LocalReply(HttpResponseStatus status, ResponseFlag flag, String details, String body) {
  private static final String RESET_BEFORE_HEADERS = "upstream connect error or disconnect/reset before headers. reset reason: ";

  static LocalReply connectFailure() {
    return new LocalReply(HttpResponseStatus.SERVICE_UNAVAILABLE, ResponseFlag.UPSTREAM_CONNECTION_FAILURE,
        "upstream_reset_before_response_started{connection_failure}", RESET_BEFORE_HEADERS + "connection failure");
  }

  /**
   * A failed upstream TLS handshake: Envoy's connection pool reports it as a remote connection
   * failure with the SSL socket's failure reason, in the body and in the details (spaces as
   * underscores there, as Envoy sanitizes details).
   */
  static LocalReply tlsFailure(String transportFailureReason) {
    return new LocalReply(HttpResponseStatus.SERVICE_UNAVAILABLE, ResponseFlag.UPSTREAM_CONNECTION_FAILURE,
        "upstream_reset_before_response_started{remote_connection_failure|" + transportFailureReason.replace(' ', '_') + "}",
        RESET_BEFORE_HEADERS + "remote connection failure, transport failure reason: " + transportFailureReason);
  }

  static LocalReply connectionTermination() {
    return new LocalReply(HttpResponseStatus.SERVICE_UNAVAILABLE, ResponseFlag.UPSTREAM_CONNECTION_TERMINATION,
        "upstream_reset_before_response_started{connection_termination}",
        RESET_BEFORE_HEADERS + "connection termination");
  }

  static LocalReply remoteReset() {
    return new LocalReply(HttpResponseStatus.SERVICE_UNAVAILABLE, ResponseFlag.UPSTREAM_REMOTE_RESET,
        "upstream_reset_before_response_started{remote_reset}", RESET_BEFORE_HEADERS + "remote reset");
  }

  /** The upstream's response could not be parsed (Envoy's reset reason "protocol error"). */
  static LocalReply protocolError() {
    return new LocalReply(HttpResponseStatus.SERVICE_UNAVAILABLE, ResponseFlag.UPSTREAM_PROTOCOL_ERROR,
        "upstream_reset_before_response_started{protocol_error}", RESET_BEFORE_HEADERS + "protocol error");
  }

  /**
   * The cluster's max_requests circuit breaker refused the request: Envoy's pool fails it with
   * reset reason "overflow" (upstream_rq_pending_overflow), answered 503 UO with x-envoy-overloaded.
   */
  static LocalReply overflow() {
    return new LocalReply(HttpResponseStatus.SERVICE_UNAVAILABLE, ResponseFlag.UPSTREAM_OVERFLOW,
        "upstream_reset_before_response_started{overflow}", RESET_BEFORE_HEADERS + "overflow");
  }

  /** An attempt outlived the route's per_try_timeout and no retry followed it. */
  static LocalReply perTryTimeout() {
    return new LocalReply(HttpResponseStatus.GATEWAY_TIMEOUT, ResponseFlag.UPSTREAM_REQUEST_TIMEOUT,
        "upstream_per_try_timeout", "upstream request timeout");
  }

  /** The route's fault injection aborts the request with its status (Envoy's fault filter). */
  static LocalReply faultAbort(int status) {
    return new LocalReply(HttpResponseStatus.valueOf(status), ResponseFlag.FAULT_INJECTED, "fault_filter_abort",
        "fault filter abort");
  }

  /** No endpoint to send a retry to (Envoy's router: 503 UH). */
  static LocalReply noHealthyUpstream() {
    return new LocalReply(HttpResponseStatus.SERVICE_UNAVAILABLE, ResponseFlag.NO_HEALTHY_UPSTREAM,
        "no_healthy_upstream", "no healthy upstream");
  }

  /** The same reset reply, after at least one retry: Envoy then says which reset was the latest. */
  LocalReply afterRetries() {
    if (!body.startsWith(RESET_BEFORE_HEADERS)) {
      return this;
    }
    String reason = body.substring(RESET_BEFORE_HEADERS.length());
    return new LocalReply(status, flag, details,
        "upstream connect error or disconnect/reset before headers. retried and the latest reset reason: " + reason);
  }

  /** Envoy marks a request it dropped for overflow with x-envoy-overloaded. */
  boolean overloaded() {
    return flag == ResponseFlag.UPSTREAM_OVERFLOW;
  }

  static LocalReply timeout() {
    return new LocalReply(HttpResponseStatus.GATEWAY_TIMEOUT, ResponseFlag.UPSTREAM_REQUEST_TIMEOUT,
        "response_timeout", "upstream request timeout");
  }

  /** Envoy's reply when a request head is not complete within request_headers_timeout. */
  static LocalReply requestHeaderTimeout() {
    return new LocalReply(HttpResponseStatus.REQUEST_TIMEOUT, ResponseFlag.NONE, "request_header_timeout",
        "request header timeout");
  }

  /**
   * Envoy's reply when a request saw no activity for stream_idle_timeout before its response
   * started: 408 while the request was still arriving, 504 once it was complete (the wait was then
   * the upstream's), both with flag SI.
   */
  static LocalReply streamIdleTimeout(boolean requestComplete) {
    return new LocalReply(requestComplete ? HttpResponseStatus.GATEWAY_TIMEOUT : HttpResponseStatus.REQUEST_TIMEOUT,
        ResponseFlag.STREAM_IDLE_TIMEOUT, "stream_idle_timeout", "stream timeout");
  }

  static LocalReply badRequest() {
    return new LocalReply(HttpResponseStatus.BAD_REQUEST, ResponseFlag.DOWNSTREAM_PROTOCOL_ERROR,
        "http1.codec_error", "Bad Request");
  }

  static LocalReply headersTooLarge() {
    return new LocalReply(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, ResponseFlag.DOWNSTREAM_PROTOCOL_ERROR,
        "http1.headers_too_large", "Request Header Fields Too Large");
  }

  /** An HTTP/1.1 request without Host (RFC 9112 section 3.2), with Envoy's details. */
  static LocalReply missingHost() {
    return new LocalReply(HttpResponseStatus.BAD_REQUEST, ResponseFlag.DOWNSTREAM_PROTOCOL_ERROR,
        "missing_host_header", "Bad Request");
  }

  static LocalReply tooManyHeaders() {
    return new LocalReply(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, ResponseFlag.DOWNSTREAM_PROTOCOL_ERROR,
        "http1.too_many_headers", "Request Header Fields Too Large");
  }

  /** A transfer coding other than chunked: Envoy decodes no other, and says so with 501. */
  static LocalReply invalidTransferEncoding() {
    return new LocalReply(HttpResponseStatus.NOT_IMPLEMENTED, ResponseFlag.DOWNSTREAM_PROTOCOL_ERROR,
        "http1.invalid_transfer_encoding", "Not Implemented");
  }

  /** A Connection header that nominates what must not be removed, or too much (Envoy's sanitizer). */
  static LocalReply connectionHeaderRejected() {
    return new LocalReply(HttpResponseStatus.BAD_REQUEST, ResponseFlag.DOWNSTREAM_PROTOCOL_ERROR,
        "http1.connection_header_rejected", "Bad Request");
  }

  /** An absolute-form target with another scheme than http, or no usable authority. */
  static LocalReply invalidUrl() {
    return new LocalReply(HttpResponseStatus.BAD_REQUEST, ResponseFlag.DOWNSTREAM_PROTOCOL_ERROR,
        "http1.invalid_url", "Bad Request");
  }

  /** The answer routing gave (no route, a direct response, no healthy upstream). */
  static LocalReply routed(dev.outrigger.core.route.HttpRouting.Answer answer) {
    return new LocalReply(HttpResponseStatus.valueOf(answer.status()), answer.flag(), answer.details(), answer.body());
  }

  FullHttpResponse toResponse(ByteBufAllocator alloc, HttpVersion version) {
    ByteBuf content = alloc.buffer(body.length());
    content.writeCharSequence(body, StandardCharsets.UTF_8);
    FullHttpResponse r = new DefaultFullHttpResponse(version, status, content);
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
    r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
    r.headers().set(HttpHeaderNames.SERVER, "outrigger");
    if (overloaded()) {
      r.headers().set("x-envoy-overloaded", "true");
    }
    return r;
  }
}
