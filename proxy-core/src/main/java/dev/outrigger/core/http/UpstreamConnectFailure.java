package dev.outrigger.core.http;

import dev.outrigger.core.ListenerContext;
import dev.outrigger.core.log.ConnectionRecord;
import dev.outrigger.core.relay.DegradedLog;
import dev.outrigger.core.relay.TransportFailures;
import dev.outrigger.core.route.Upstream;
import dev.outrigger.core.stats.Counter;
import dev.outrigger.core.tls.TlsFailureCounters;
import io.netty.channel.ConnectTimeoutException;

/**
 * What a failed upstream connect leaves behind on the HTTP path, as on the L4 path: the counter
 * that says timeout or failure, the same rate-limited log line, and Envoy's transport failure
 * reason in the access log. (The client's 503 UF is the same for both, as Envoy's router maps a
 * pool timeout and a refused connect to one reset reason.)
 */
final class UpstreamConnectFailure {
  private UpstreamConnectFailure() {}

  static void record(ListenerContext context, ConnectionRecord connection, ExchangeRecord record,
      Upstream upstream, Throwable cause) {
    boolean timedOut = cause instanceof ConnectTimeoutException;
    context.stats().increment(timedOut ? Counter.UPSTREAM_CX_CONNECT_TIMEOUT : Counter.UPSTREAM_CX_CONNECT_FAIL);
    TlsFailureCounters.of(cause).forEach(c -> context.stats().increment(c));
    record.transportFailureReason = TransportFailures.reason(cause);
    DegradedLog.log("upstream connect failed", connection.describe() + " via " + record.cluster, upstream, cause);
  }
}
