package dev.outrigger.core.tls;

import java.security.cert.CertificateException;
import java.util.List;

/** The peer chained to the mesh roots but is not one of the identities this connection accepts. */
public final class SanMismatchException extends CertificateException {
  public SanMismatchException(List<String> presented, List<String> accepted) {
    super("peer URI SANs " + presented + " match none of " + accepted);
  }
}
