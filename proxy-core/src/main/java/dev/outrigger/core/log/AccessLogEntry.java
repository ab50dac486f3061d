package dev.outrigger.core.log;

import dev.outrigger.core.Direction;
import java.net.InetSocketAddress;
import java.time.Instant;

/**
 * One access-log line's facts, with Istio's field names (pilot telemetry_logging.go). A TCP
 * connection leaves the HTTP fields null; formats print null as {@code -} (text) or null (JSON).
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
    String routeName) {

  /** True for a TCP connection's line, false for an HTTP request's. */
  public boolean isTcp() {
    return method == null;
  }
}
