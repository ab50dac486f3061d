package dev.outrigger.core.tls;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * A workload's SPIFFE identity, {@code spiffe://<trust domain>/ns/<namespace>/sa/<service account>}
 * as Istio forms it (pkg/spiffe). The identity a workload has is the one its CA put in the leaf's
 * URI SAN, not the one it asked for: istiod may rewrite the trust domain.
 */
public record SpiffeId(String uri) {
  private static final String SCHEME = "spiffe://";
  /** X.509's GeneralName tag for a URI (RFC 5280 4.2.1.6). */
  private static final int URI_NAME = 6;

  public SpiffeId {
    if (!uri.startsWith(SCHEME) || uri.length() == SCHEME.length()) {
      throw new IllegalArgumentException("not a SPIFFE id: " + uri);
    }
  }

  /** The identity pilot-agent asks istiod for: the pod's service account in its namespace. */
  public static SpiffeId forWorkload(String trustDomain, String namespace, String serviceAccount) {
    return new SpiffeId(SCHEME + trustDomain + "/ns/" + namespace + "/sa/" + serviceAccount);
  }

  /** The first spiffe:// URI SAN of a certificate; empty when it has none. */
  public static Optional<SpiffeId> of(X509Certificate certificate) {
    Collection<List<?>> names;
    try {
      names = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return Optional.empty();
    }
    if (names == null) {
      return Optional.empty();
    }
    for (List<?> name : names) {
      if (((Integer) name.get(0)) == URI_NAME && name.get(1) instanceof String s && s.startsWith(SCHEME)) {
        return Optional.of(new SpiffeId(s));
      }
    }
    return Optional.empty();
  }

  /** The part after the scheme up to the first '/'. */
  public String trustDomain() {
    String rest = uri.substring(SCHEME.length());
    int slash = rest.indexOf('/');
    return slash < 0 ? rest : rest.substring(0, slash);
  }

  @Override
  public String toString() {
    return uri;
  }
}
