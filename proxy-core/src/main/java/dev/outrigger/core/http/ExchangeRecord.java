package dev.outrigger.core.http;

import dev.outrigger.core.Direction;
import dev.outrigger.core.log.AccessLogEntry;
import dev.outrigger.core.log.ConnectionRecord;
import dev.outrigger.core.log.ResponseFlag;
import dev.outrigger.core.peer.MeshPeer;
import dev.outrigger.core.peer.PeerHeaders;
import dev.outrigger.core.tls.TlsPrincipals;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.StringJoiner;

/** The access-log facts of one HTTP request, gathered as the exchange goes. */
final class ExchangeRecord {
  /** The order of Envoy's CoreResponseFlag enum, in which its access log lists the flags. */
  private static final List<ResponseFlag> ENVOY_ORDER = List.of(ResponseFlag.NO_HEALTHY_UPSTREAM,
      ResponseFlag.UPSTREAM_REQUEST_TIMEOUT, ResponseFlag.UPSTREAM_REMOTE_RESET, ResponseFlag.UPSTREAM_CONNECTION_FAILURE,
      ResponseFlag.UPSTREAM_CONNECTION_TERMINATION, ResponseFlag.UPSTREAM_OVERFLOW, ResponseFlag.NO_ROUTE,
      ResponseFlag.DELAY_INJECTED, ResponseFlag.FAULT_INJECTED, ResponseFlag.DOWNSTREAM_CONNECTION_TERMINATION,
      ResponseFlag.UPSTREAM_RETRY_LIMIT_EXCEEDED, ResponseFlag.STREAM_IDLE_TIMEOUT, ResponseFlag.DOWNSTREAM_PROTOCOL_ERROR,
      ResponseFlag.UPSTREAM_PROTOCOL_ERROR, ResponseFlag.NO_CLUSTER_FOUND);
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
  private final EnumSet<ResponseFlag> flags = EnumSet.noneOf(ResponseFlag.class);
  String details;
  long bytesReceived;
  long bytesSent;
  Long upstreamServiceTime;
  InetSocketAddress upstreamHost;
  InetSocketAddress upstreamLocal;
  /** Envoy's upstream transport failure reason: why the upstream connect failed, or null. */
  String transportFailureReason;
  /** The identities on the last attempt's upstream connection. */
  TlsPrincipals upstreamTls = TlsPrincipals.NONE;
  /** The request's metadata exchange: the peer's workload, when it sent one. */
  PeerHeaders peers = PeerHeaders.NONE;

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

  /** Raises a flag; a request can have several (a delay, then a timeout: "UT,DI"), as in Envoy. */
  void flag(ResponseFlag value) {
    if (value != ResponseFlag.NONE) {
      flags.add(value);
    }
  }

  /** Envoy's %RESPONSE_FLAGS%: the flags raised, in Envoy's own order, comma-separated; "-" for none. */
  String responseFlags() {
    if (flags.isEmpty()) {
      return ResponseFlag.NONE.code();
    }
    StringJoiner joined = new StringJoiner(",");
    for (ResponseFlag f : ENVOY_ORDER) {
      if (flags.contains(f)) {
        joined.add(f.code());
      }
    }
    for (ResponseFlag f : flags) {
      if (!ENVOY_ORDER.contains(f)) {
        joined.add(f.code()); // a flag added since: listed last rather than lost
      }
    }
    return joined.toString();
  }

  long elapsedMillis() {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  AccessLogEntry toEntry(Direction direction) {
    return new AccessLogEntry(direction, start, method, path, protocol, responseCode, responseFlags(), details, null,
        transportFailureReason, bytesReceived, bytesSent, elapsedMillis(), upstreamServiceTime, forwardedFor, userAgent, requestId,
        authority, upstreamHost, cluster, upstreamLocal, connection.originalDestination(),
        connection.downstreamRemote(), connection.requestedServerName(), routeName, peer(direction));
  }

  /** The client (inbound) or the upstream server (outbound): its TLS identity and exchanged workload. */
  private MeshPeer peer(Direction direction) {
    MeshPeer tls = direction == Direction.INBOUND ? connection.tlsPeer(direction)
        : upstreamTls == TlsPrincipals.NONE ? MeshPeer.NONE : new MeshPeer(upstreamTls.peer(), upstreamTls.local(), null);
    return peers.peer() == null ? tls : tls.withMetadata(peers.peer());
  }
}
