package dev.outrigger.core.relay;

import dev.outrigger.core.tls.UpstreamTlsException;
import io.netty.channel.ConnectTimeoutException;
import java.net.ConnectException;

/**
 * The access log's {@code %UPSTREAM_TRANSPORT_FAILURE_REASON%} for a failed upstream connect, as
 * Envoy fills it: a connect the kernel failed is {@code delayed connect error: <strerror>} (Envoy's
 * ConnectionImpl when the socket reports its error), e.g. {@code delayed connect error: Connection
 * refused}; a connect that timed out was closed by the proxy itself and has no transport failure
 * reason (Envoy leaves it empty, so the log prints {@code -}); a failed TLS handshake is
 * Envoy's {@code TLS_error:|...:TLS_error_end} (see {@code TlsFailureReason}).
 */
public final class TransportFailures {
  private static final String NETTY_PREFIX = "failed: ";

  private TransportFailures() {}

  /** The reason for {@code cause}, or null when Envoy would log none. */
  public static String reason(Throwable cause) {
    if (cause == null || cause instanceof ConnectTimeoutException) {
      return null;
    }
    if (cause instanceof UpstreamTlsException tls) {
      return tls.envoyReason();
    }
    return "delayed connect error: " + strerror(cause);
  }

  /**
   * Netty's epoll transport words a failed connect as {@code finishConnect(..) failed with
   * error(-111): Connection refused: localhost/10.0.0.1:80}: the kernel's strerror text sits
   * between the error number and the address it appends.
   */
  static String strerror(Throwable cause) {
    String message = cause.getMessage();
    if (message == null) {
      return cause.getClass().getSimpleName();
    }
    if (!(cause instanceof ConnectException)) {
      return message;
    }
    String text = message;
    int address = text.lastIndexOf(": ");
    if (address >= 0 && text.indexOf('/', address) >= 0) {
      text = text.substring(0, address);
    }
    int errno = text.indexOf("): ");
    if (errno >= 0) {
      return text.substring(errno + 3);
    }
    int failed = text.indexOf(NETTY_PREFIX);
    return failed < 0 ? text : text.substring(failed + NETTY_PREFIX.length());
  }
}
