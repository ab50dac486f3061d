package dev.outrigger.core.tls;

import java.security.cert.CertificateException;

/**
 * The peer's certificate failed Envoy's default validator; {@link #envoyDetail} is the validator's
 * error detail, which Envoy appends to the TLS failure reason (SslSocket::drainErrorQueue) and
 * counts as {@code ssl.fail_verify_error} (a SAN mismatch, {@link SanMismatchException}, as
 * {@code ssl.fail_verify_san}).
 */
public class CertificateVerifyException extends CertificateException {
  private final String envoyDetail;

  public CertificateVerifyException(String envoyDetail, String message, Throwable cause) {
    super(message, cause);
    this.envoyDetail = envoyDetail;
  }

  /** e.g. {@code verify cert failed: X509_verify_cert: certificate verification error at depth 0: certificate has expired}. */
  public String envoyDetail() {
    return envoyDetail;
  }
}
