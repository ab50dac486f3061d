package dev.outrigger.core.tls;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Envoy's transport failure reason for a failed TLS handshake (SslSocket::drainErrorQueue, in the
 * {@code TLS_error:|<code>:<lib>:<func>:<reason>:TLS_error_end} format), e.g.
 * {@code TLS_error:|268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED:TLS_error_end}.
 * A certificate the validator refused adds its detail before the end ({@code verify cert failed:
 * SAN matcher}, {@code verify cert failed: X509_verify_cert: certificate verification error at
 * depth 0: certificate has expired}); a client that sent no certificate where one is required adds
 * {@code peer did not provide required client certificate}.
 */
public final class TlsFailureReason {
  /** BoringSSL's error 0x1000007d: SSL routines, CERTIFICATE_VERIFY_FAILED. */
  private static final String VERIFY_FAILED = "TLS_error:|268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED";
  private static final String END = ":TLS_error_end";
  static final String NO_CLIENT_CERT_REASON = "PEER_DID_NOT_RETURN_A_CERTIFICATE";
  /** How BoringSSL's ERR_error_string words an error, as Netty's OpenSSL engine passes it on. */
  private static final Pattern BORINGSSL = Pattern.compile("error:([0-9a-fA-F]{8}):([^:]+):([^:]*):([A-Z0-9_]+)");

  private TlsFailureReason() {}

  public static String of(Throwable cause) {
    Optional<CertificateVerifyException> refused = certificateRefusal(cause);
    if (refused.isPresent()) {
      return VERIFY_FAILED + ":" + refused.get().envoyDetail() + END;
    }
    for (Throwable t = cause; t != null; t = t.getCause()) {
      Matcher m = t.getMessage() == null ? null : BORINGSSL.matcher(t.getMessage());
      if (m != null && m.find()) {
        String entry = "TLS_error:|" + Long.parseLong(m.group(1), 16) + ":" + m.group(2) + ":" + m.group(3) + ":" + m.group(4);
        return NO_CLIENT_CERT_REASON.equals(m.group(4))
            ? entry + ":peer did not provide required client certificate" + END : entry + END;
      }
    }
    String message = cause == null ? "handshake failed"
        : cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    return "TLS_error:|" + message + END;
  }

  /** The validator's refusal of the peer's certificate behind {@code cause}, if that is what failed. */
  static Optional<CertificateVerifyException> certificateRefusal(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof CertificateVerifyException e) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  /** Whether BoringSSL failed the handshake because the client sent no certificate. */
  static boolean noClientCertificate(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t.getMessage() != null && t.getMessage().contains(NO_CLIENT_CERT_REASON)) {
        return true;
      }
    }
    return false;
  }
}
