package dev.outrigger.core.log;

import dev.outrigger.core.Direction;
import dev.outrigger.core.peer.MeshPeer;
import java.net.InetSocketAddress;
import java.time.Instant;

/**
 * One access-log line's facts, with Istio's field names (pilot telemetry_logging.go). A TCP
 * connection leaves the HTTP fields null; formats print null as {@code -} (text) or null (JSON).
 * {@code peer} is for the metric labels: Istio's default formats print no peer identity.
 */
public record AccessLogEntry(
    Direction direction,
    Instant startTime,
    String method,
    String path,
    String protocol,
    int responseCode,
    String responseFlags,
    String responseCodeDetails,
    String connectionTerminationDetails,
    String upstreamTransportFailureReason,
    long bytesReceived,
    long bytesSent,
    long durationMillis,
    Long upstreamServiceTimeMillis,
    String xForwardedFor,
    String userAgent,
    String requestId,
    String authority,
    InetSocketAddress upstreamHost,
    String upstreamCluster,
    InetSocketAddress upstreamLocalAddress,
    InetSocketAddress downstreamLocalAddress,
    InetSocketAddress downstreamRemoteAddress,
    String requestedServerName,
    String routeName,
    MeshPeer peer) {

  public AccessLogEntry {
    if (peer == null) {
      peer = MeshPeer.NONE;
    }
  }

  /** An entry with nothing known of the peer (plaintext, no metadata exchange). */
  public AccessLogEntry(Direction direction, Instant startTime, String method, String path, String protocol,
      int responseCode, String responseFlags, String responseCodeDetails, String connectionTerminationDetails,
      String upstreamTransportFailureReason, long bytesReceived, long bytesSent, long durationMillis,
      Long upstreamServiceTimeMillis, String xForwardedFor, String userAgent, String requestId, String authority,
      InetSocketAddress upstreamHost, String upstreamCluster, InetSocketAddress upstreamLocalAddress,
      InetSocketAddress downstreamLocalAddress, InetSocketAddress downstreamRemoteAddress, String requestedServerName,
      String routeName) {
    this(direction, startTime, method, path, protocol, responseCode, responseFlags, responseCodeDetails,
        connectionTerminationDetails, upstreamTransportFailureReason, bytesReceived, bytesSent, durationMillis,
        upstreamServiceTimeMillis, xForwardedFor, userAgent, requestId, authority, upstreamHost, upstreamCluster,
        upstreamLocalAddress, downstreamLocalAddress, downstreamRemoteAddress, requestedServerName, routeName,
        MeshPeer.NONE);
  }

  /** True for a TCP connection's line, false for an HTTP request's. */
  public boolean isTcp() {
    return method == null;
  }
}
