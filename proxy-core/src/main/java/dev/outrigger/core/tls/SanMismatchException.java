package dev.outrigger.core.tls;

import java.util.List;

/**
 * The peer chained to the mesh roots but is not one of the identities this connection accepts:
 * Envoy's "verify cert failed: SAN matcher" (istiod writes match_subject_alt_names, which Envoy's
 * default validator checks as matchers, not as the older verify_subject_alt_name list).
 */
public final class SanMismatchException extends CertificateVerifyException {
  public SanMismatchException(List<String> presented, List<String> accepted) {
    super("verify cert failed: SAN matcher", "peer URI SANs " + presented + " match none of " + accepted, null);
  }
}
