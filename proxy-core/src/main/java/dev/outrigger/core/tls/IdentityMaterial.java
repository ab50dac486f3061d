package dev.outrigger.core.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * This workload's identity as TLS uses it: its private key, its certificate chain (leaf first, as
 * istiod's CA issues it) and the mesh's trusted roots. Immutable; a rotation replaces it whole.
 */
public record IdentityMaterial(PrivateKey key, List<X509Certificate> chain, List<X509Certificate> roots) {
  public IdentityMaterial {
    chain = List.copyOf(chain);
    roots = List.copyOf(roots);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("an identity needs at least its leaf certificate");
    }
    if (roots.isEmpty()) {
      throw new IllegalArgumentException("an identity needs the mesh's root certificates");
    }
  }

  public X509Certificate leaf() {
    return chain.get(0);
  }

  public Instant notAfter() {
    return leaf().getNotAfter().toInstant();
  }
}
