package dev.outrigger.core.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/**
 * What may be said about an identity in logs and dumps: the leaf's SPIFFE id, its SHA-256
 * fingerprint and its validity. Never the key.
 */
public final class IdentityDescription {
  private IdentityDescription() {}

  public static String of(IdentityMaterial material) {
    return of(material.leaf()) + ", " + material.roots().size() + " root(s)";
  }

  public static String of(X509Certificate leaf) {
    return SpiffeId.of(leaf).map(SpiffeId::uri).orElse("(no SPIFFE id)") + " sha256:" + fingerprint(leaf)
        + " valid " + leaf.getNotBefore().toInstant() + " to " + leaf.getNotAfter().toInstant();
  }

  /** Hex SHA-256 of the DER certificate, as `openssl x509 -outform DER | sha256sum` prints it. */
  public static String fingerprint(X509Certificate certificate) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }
}
