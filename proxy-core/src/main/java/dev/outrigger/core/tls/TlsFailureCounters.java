package dev.outrigger.core.tls;

import dev.outrigger.core.stats.Counter;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.List;

/** The ssl.* counters a failed upstream handshake adds, as Envoy's SslSocket and validator count them. */
public final class TlsFailureCounters {
  private TlsFailureCounters() {}

  /** Empty when {@code cause} is not a TLS failure. */
  public static List<Counter> of(Throwable cause) {
    if (!(cause instanceof UpstreamTlsException)) {
      return List.of();
    }
    List<Counter> counters = new ArrayList<>();
    counters.add(Counter.SSL_CONNECTION_ERROR);
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof SanMismatchException) {
        counters.add(Counter.SSL_FAIL_VERIFY_SAN);
        return counters;
      }
    }
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof CertificateException) {
        counters.add(Counter.SSL_FAIL_VERIFY_ERROR);
        return counters;
      }
    }
    return counters;
  }
}
