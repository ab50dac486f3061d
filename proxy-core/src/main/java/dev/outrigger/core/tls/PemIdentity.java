package dev.outrigger.core.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Reads an identity from PEM text as Istio writes and mounts it: a certificate chain (leaf first),
 * a private key (PKCS#8 "PRIVATE KEY", or the traditional "EC PRIVATE KEY" / "RSA PRIVATE KEY"),
 * and the root certificates. The key must belong to the leaf: a half-rotated set of files (new key,
 * old certificate) is refused rather than served.
 */
public final class PemIdentity {
  private PemIdentity() {}

  public static IdentityMaterial parse(String chainPem, String keyPem, String rootsPem) throws IOException {
    List<X509Certificate> chain = certificates(chainPem, "certificate chain");
    List<X509Certificate> roots = certificates(rootsPem, "root certificates");
    PrivateKey key = privateKey(keyPem);
    requireKeyOfLeaf(key, chain.get(0));
    return new IdentityMaterial(key, chain, roots);
  }

  public static List<X509Certificate> certificates(String pem, String what) throws IOException {
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      List<X509Certificate> out = new ArrayList<>();
      for (var c : factory.generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
        out.add((X509Certificate) c);
      }
      if (out.isEmpty()) {
        throw new IOException("no certificate in the " + what);
      }
      return out;
    } catch (CertificateException e) {
      throw new IOException("unreadable " + what + ": " + e.getMessage(), e);
    }
  }

  public static PrivateKey privateKey(String pem) throws IOException {
    Object parsed;
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      parsed = parser.readObject();
    } catch (RuntimeException e) {
      // Never the key text in the message: only what kind of damage it was.
      throw new IOException("unreadable private key (" + e.getClass().getSimpleName() + ")");
    }
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    if (parsed instanceof PEMKeyPair pair) {
      return converter.getPrivateKey(pair.getPrivateKeyInfo());
    }
    if (parsed instanceof PrivateKeyInfo info) {
      return converter.getPrivateKey(info);
    }
    throw new IOException(parsed == null ? "no PEM private key found"
        : "unsupported private key PEM (" + parsed.getClass().getSimpleName() + "; expected an unencrypted "
            + "PKCS#8, EC or RSA key)");
  }

  /** Signs a probe with the key and checks it with the leaf's public key. */
  static void requireKeyOfLeaf(PrivateKey key, X509Certificate leaf) throws IOException {
    String algorithm = key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    if (!key.getAlgorithm().equals(leaf.getPublicKey().getAlgorithm())) {
      throw new IOException("the private key (" + key.getAlgorithm() + ") is not the leaf's ("
          + leaf.getPublicKey().getAlgorithm() + ")");
    }
    try {
      byte[] probe = "outrigger key check".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(leaf.getPublicKey());
      verifier.update(probe);
      if (!verifier.verify(signature)) {
        throw new IOException("the private key does not belong to the leaf certificate "
            + IdentityDescription.of(leaf));
      }
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot check the private key against the leaf: " + e.getMessage(), e);
    }
  }
}
