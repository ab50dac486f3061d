package dev.outrigger.core.relay;

import dev.outrigger.core.log.ConnectionRecord;
import dev.outrigger.core.stats.Counter;
import dev.outrigger.core.stats.ListenerStats;
import dev.outrigger.core.tls.TlsFailureCounters;
import dev.outrigger.core.tls.TlsFailureReason;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.nio.channels.ClosedChannelException;
import javax.net.ssl.SSLHandshakeException;

/**
 * What a client's failed TLS handshake leaves behind where this proxy terminates TLS: the
 * connection is closed without an access-log line, as Envoy's listener does (its access logs are
 * the HTTP connection manager's, per request, and Istio's listener log only for NR); one ssl.*
 * counter as Envoy's SslSocket counts it, or downstream_cx_transport_socket_connect_timeout; and a
 * log line with Envoy's transport failure reason, which names the cause ("certificate has
 * expired", "unable to get local issuer certificate", "peer did not provide required client
 * certificate", a BoringSSL reason such as WRONG_VERSION_NUMBER).
 */
final class DownstreamHandshakeFailure {
  /** How Netty's SslHandler words a connection that closed before its handshake ended. */
  private static final String CLOSED_DURING_HANDSHAKE = "Connection closed while SSL/TLS handshake was in progress";

  private DownstreamHandshakeFailure() {}

  static void record(ListenerStats stats, ConnectionRecord record, Throwable cause) {
    stats.increment(Counter.DOWNSTREAM_CX_TLS_HANDSHAKE_FAIL);
    if (cause instanceof SslHandshakeTimeoutException) {
      stats.increment(Counter.DOWNSTREAM_CX_TRANSPORT_SOCKET_CONNECT_TIMEOUT);
      DegradedLog.logDetail("downstream TLS handshake not finished in time, closed", record,
          "transport socket timeout was reached");
      return;
    }
    if (closedByPeer(cause)) {
      // No TLS error: the client went away (Envoy's error queue is empty then; no ssl.* counter).
      DegradedLog.logDetail("client closed its connection during the TLS handshake", record, "connection closed");
      return;
    }
    Counter counter = TlsFailureCounters.forHandshake(cause);
    stats.increment(counter);
    DegradedLog.logDetail("downstream TLS handshake failed (" + counter.statName() + ")", record, TlsFailureReason.of(cause));
  }

  /** The connection closed (the client's FIN or reset) before any TLS error: Netty's words for it. */
  private static boolean closedByPeer(Throwable cause) {
    return cause instanceof ClosedChannelException
        || (cause instanceof SSLHandshakeException && cause.getCause() == null
            && CLOSED_DURING_HANDSHAKE.equals(cause.getMessage()));
  }
}
