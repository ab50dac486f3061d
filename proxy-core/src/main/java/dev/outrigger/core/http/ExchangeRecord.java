package dev.outrigger.core.http;

import dev.outrigger.core.Direction;
import dev.outrigger.core.log.AccessLogEntry;
import dev.outrigger.core.log.ConnectionRecord;
import dev.outrigger.core.log.ResponseFlag;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetSocketAddress;
import java.time.Instant;

/** The access-log facts of one HTTP request, gathered as the exchange goes. */
final class ExchangeRecord {
  private final Instant start = Instant.now();
  private final long startNanos = System.nanoTime();
  private final ConnectionRecord connection;
  private final String method;
  private final String path;
  private final String protocol;
  private final String authority;
  private final String userAgent;
  private final String forwardedFor;
  private final String requestId;
  final String cluster;
  private final String routeName;
  int responseCode;
  ResponseFlag flag = ResponseFlag.NONE;
  String details;
  long bytesReceived;
  long bytesSent;
  Long upstreamServiceTime;
  InetSocketAddress upstreamHost;
  InetSocketAddress upstreamLocal;
  /** Envoy's upstream transport failure reason: why the upstream connect failed, or null. */
  String transportFailureReason;

  /** Reads the request's fields after the proxy's own headers (request id) were set. */
  ExchangeRecord(ConnectionRecord connection, HttpRequest request, String protocol, String cluster, String routeName) {
    this.connection = connection;
    HttpHeaders h = request.headers();
    this.method = request.method().name();
    String originalPath = h.get("x-envoy-original-path");
    this.path = originalPath != null ? originalPath : request.uri();
    this.protocol = protocol;
    this.authority = h.get(HttpHeaderNames.HOST);
    this.userAgent = h.get(HttpHeaderNames.USER_AGENT);
    this.forwardedFor = h.get("x-forwarded-for");
    this.requestId = h.get(ProxyHeaders.REQUEST_ID);
    this.cluster = cluster;
    this.routeName = routeName;
  }

  void flag(ResponseFlag value) {
    if (flag == ResponseFlag.NONE) {
      flag = value;
    }
  }

  long elapsedMillis() {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  AccessLogEntry toEntry(Direction direction) {
    return new AccessLogEntry(direction, start, method, path, protocol, responseCode, flag.code(), details, null,
        transportFailureReason, bytesReceived, bytesSent, elapsedMillis(), upstreamServiceTime, forwardedFor, userAgent, requestId,
        authority, upstreamHost, cluster, upstreamLocal, connection.originalDestination(),
        connection.downstreamRemote(), null, routeName == null ? "default" : routeName);
  }
}
