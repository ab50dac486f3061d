package dev.outrigger.core.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Who is at the other end of a TLS connection, as Envoy reports it: the certificate's URI SANs
 * (the SPIFFE identity istiod puts there) and the hex SHA-256 of its DER encoding (XFCC's Hash,
 * %DOWNSTREAM_PEER_FINGERPRINT_256%).
 */
public record PeerIdentity(List<String> uriSans, String sha256Hex) {
  private static final int DNS_SAN = 2; // GeneralName dNSName (RFC 5280)
  private static final int URI_SAN = 6; // GeneralName uniformResourceIdentifier

  public PeerIdentity {
    uriSans = List.copyOf(uriSans);
  }

  public static PeerIdentity of(X509Certificate certificate) {
    return new PeerIdentity(uriSans(certificate), sha256Hex(certificate));
  }

  /** The first URI SAN (Envoy's %DOWNSTREAM_PEER_URI_SAN% and XFCC URI), if any. */
  public Optional<String> uri() {
    return uriSans.isEmpty() ? Optional.empty() : Optional.of(uriSans.get(0));
  }

  public static List<String> uriSans(X509Certificate certificate) {
    return sans(certificate, URI_SAN);
  }

  /** The DNS SANs, in the certificate's order (XFCC's DNS, Envoy's dnsSansPeerCertificate). */
  public static List<String> dnsSans(X509Certificate certificate) {
    return sans(certificate, DNS_SAN);
  }

  private static List<String> sans(X509Certificate certificate, int type) {
    Collection<List<?>> names;
    try {
      names = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return List.of();
    }
    if (names == null) {
      return List.of();
    }
    List<String> uris = new ArrayList<>();
    for (List<?> name : names) {
      if (name.size() >= 2 && Integer.valueOf(type).equals(name.get(0)) && name.get(1) instanceof String s) {
        uris.add(s);
      }
    }
    return uris;
  }

  static String sha256Hex(X509Certificate certificate) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      throw new IllegalStateException("cannot fingerprint a certificate", e);
    }
  }
}
