package dev.outrigger.core.relay;

import io.netty.channel.ConnectTimeoutException;
import java.net.ConnectException;

/**
 * The access log's {@code %UPSTREAM_TRANSPORT_FAILURE_REASON%} for a failed upstream connect, as
 * Envoy fills it: a connect the kernel failed is {@code delayed connect error: <strerror>} (Envoy's
 * ConnectionImpl when the socket reports its error), e.g. {@code delayed connect error: Connection
 * refused}; a connect that timed out was closed by the proxy itself and has no transport failure
 * reason (Envoy leaves it empty, so the log prints {@code -}).
 */
public final class TransportFailures {
  private static final String NETTY_PREFIX = "failed: ";

  private TransportFailures() {}

  /** The reason for {@code cause}, or null when Envoy would log none. */
  public static String reason(Throwable cause) {
    if (cause == null || cause instanceof ConnectTimeoutException) {
      return null;
    }
    return "delayed connect error: " + strerror(cause);
  }

  /**
   * Netty's epoll transport words a failed connect as {@code finishConnect(..) failed: Connection
   * refused: /10.0.0.1:80}: the kernel's strerror text sits between "failed: " and the address.
   */
  static String strerror(Throwable cause) {
    String message = cause.getMessage();
    if (!(cause instanceof ConnectException) || message == null) {
      return message == null ? cause.getClass().getSimpleName() : message;
    }
    int start = message.indexOf(NETTY_PREFIX);
    String text = start < 0 ? message : message.substring(start + NETTY_PREFIX.length());
    int address = text.lastIndexOf(": /");
    return address < 0 ? text : text.substring(0, address);
  }
}
