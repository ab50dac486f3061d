package dev.outrigger.core.tls;

import dev.outrigger.core.stats.Counter;
import java.util.List;

/**
 * The ssl.* counter a failed handshake adds, as Envoy's SslSocket::drainErrorQueue and its
 * default validator count them: exactly one per failure. A certificate the validator refused is
 * {@code ssl.fail_verify_san} (none of the accepted SANs) or {@code ssl.fail_verify_error} (no
 * chain to the roots, expired, ...); a client without the required certificate is
 * {@code ssl.fail_verify_no_cert}; any other TLS error is {@code ssl.connection_error}. (Envoy
 * counts connection_error only when no counted error was seen, so a verify failure is not also a
 * connection error.)
 */
public final class TlsFailureCounters {
  private TlsFailureCounters() {}

  /** For an upstream connect: empty when {@code cause} is not a failed TLS handshake. */
  public static List<Counter> of(Throwable cause) {
    return cause instanceof UpstreamTlsException ? List.of(forHandshake(cause)) : List.of();
  }

  /** The counter of a handshake that failed with {@code cause}, upstream or downstream. */
  public static Counter forHandshake(Throwable cause) {
    return TlsFailureReason.certificateRefusal(cause)
        .map(refusal -> refusal instanceof SanMismatchException ? Counter.SSL_FAIL_VERIFY_SAN : Counter.SSL_FAIL_VERIFY_ERROR)
        .orElseGet(() -> TlsFailureReason.noClientCertificate(cause) ? Counter.SSL_FAIL_VERIFY_NO_CERT : Counter.SSL_CONNECTION_ERROR);
  }
}
