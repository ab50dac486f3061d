package dev.outrigger.core.tls;

import java.security.cert.CertificateException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Envoy's transport failure reason for a failed TLS handshake (SslSocket's drained error queue, in
 * the {@code TLS_error:|<code>:<lib>:<func>:<reason>:TLS_error_end} format), e.g.
 * {@code TLS_error:|268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED:TLS_error_end};
 * a SAN that matched none of the cluster's adds Envoy's validator detail
 * {@code verify cert failed: verify SAN list}.
 */
public final class TlsFailureReason {
  /** BoringSSL's error 0x1000007d: SSL routines, CERTIFICATE_VERIFY_FAILED. */
  private static final String VERIFY_FAILED = "TLS_error:|268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED";
  private static final String END = ":TLS_error_end";
  /** How BoringSSL's ERR_error_string words an error, as Netty's OpenSSL engine passes it on. */
  private static final Pattern BORINGSSL = Pattern.compile("error:([0-9a-fA-F]{8}):([^:]+):([^:]*):([A-Z0-9_]+)");

  private TlsFailureReason() {}

  public static String of(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof SanMismatchException) {
        return VERIFY_FAILED + ":verify cert failed: verify SAN list" + END;
      }
    }
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof CertificateException) {
        return VERIFY_FAILED + END;
      }
    }
    for (Throwable t = cause; t != null; t = t.getCause()) {
      Matcher m = t.getMessage() == null ? null : BORINGSSL.matcher(t.getMessage());
      if (m != null && m.find()) {
        return "TLS_error:|" + Long.parseLong(m.group(1), 16) + ":" + m.group(2) + ":" + m.group(3) + ":" + m.group(4) + END;
      }
    }
    String message = cause == null || cause.getMessage() == null ? "handshake failed" : cause.getMessage();
    return "TLS_error:|" + message + END;
  }
}
