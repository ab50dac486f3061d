package dev.outrigger.core.tls;

import java.security.cert.CertPathValidatorException;
import java.security.cert.PKIXReason;
import java.security.cert.X509Certificate;

/**
 * The Java PKIX validator's refusal worded as BoringSSL's X509_verify_cert reports it, which Envoy
 * puts in its failure reason (Utility::getX509VerificationErrorInfo): {@code X509_verify_cert:
 * certificate verification error at depth <n>: <X509_verify_cert_error_string>}, depth 0 being the
 * leaf. BoringSSL builds the chain before it checks dates, as PKIX does, so a chain to a foreign
 * root is "unable to get local issuer certificate" at the last certificate whose issuer is missing
 * however old its leaf.
 */
final class X509VerifyError {
  private X509VerifyError() {}

  static String describe(CertPathValidatorException e, X509Certificate[] chain) {
    int depth = Math.max(0, e.getIndex());
    String text;
    if (e.getReason() == CertPathValidatorException.BasicReason.EXPIRED) {
      text = "certificate has expired";
    } else if (e.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
      text = "certificate is not yet valid";
    } else if (e.getReason() == CertPathValidatorException.BasicReason.INVALID_SIGNATURE) {
      text = "certificate signature failure";
    } else if (e.getReason() == PKIXReason.NO_TRUST_ANCHOR) {
      depth = chain.length - 1;
      X509Certificate top = chain[depth];
      boolean selfSigned = top.getSubjectX500Principal().equals(top.getIssuerX500Principal());
      text = !selfSigned ? "unable to get local issuer certificate"
          : depth == 0 ? "self signed certificate" : "self signed certificate in certificate chain";
    } else if (e.getReason() == PKIXReason.PATH_TOO_LONG) {
      text = "certificate chain too long";
    } else if (e.getReason() == PKIXReason.INVALID_KEY_USAGE) {
      text = "unsupported certificate purpose";
    } else if (e.getReason() == PKIXReason.NOT_CA_CERT) {
      text = "invalid CA certificate";
    } else {
      text = "certificate verify failed: " + e.getMessage(); // no BoringSSL equivalent: Java's words
    }
    return "X509_verify_cert: certificate verification error at depth " + depth + ": " + text;
  }
}
