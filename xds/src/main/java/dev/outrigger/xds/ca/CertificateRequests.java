package dev.outrigger.xds.ca;

import dev.outrigger.core.tls.KeyType;
import dev.outrigger.core.tls.SpiffeId;
import java.io.IOException;
import java.io.StringWriter;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * A fresh key and its CSR, as pilot-agent makes them (security/pkg/pki/util GenCSR): an empty
 * subject and the SPIFFE id as the only name, a URI SAN, marked critical as RFC 5280 wants when the
 * subject is empty. The key stays in memory.
 */
public final class CertificateRequests {
  private CertificateRequests() {}

  /** A key pair and the PEM CSR for it. */
  public record KeyAndCsr(KeyPair keys, String csrPem) {}

  public static KeyAndCsr create(KeyType type, SpiffeId identity) throws GeneralSecurityException {
    KeyPair keys;
    String signature;
    if (type instanceof KeyType.Ecdsa ec) {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec(ec.jcaCurve()));
      keys = g.generateKeyPair();
      signature = ec.signatureAlgorithm();
    } else {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(((KeyType.Rsa) type).bits());
      keys = g.generateKeyPair();
      signature = "SHA256withRSA";
    }
    try {
      ExtensionsGenerator extensions = new ExtensionsGenerator();
      extensions.addExtension(Extension.subjectAlternativeName, true,
          new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, identity.uri())));
      PKCS10CertificationRequest csr = new JcaPKCS10CertificationRequestBuilder(new X500Name(new org.bouncycastle.asn1.x500.RDN[0]),
          keys.getPublic())
          .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate())
          .build(new JcaContentSignerBuilder(signature).build(keys.getPrivate()));
      StringWriter pem = new StringWriter();
      try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
        writer.writeObject(csr);
      }
      return new KeyAndCsr(keys, pem.toString());
    } catch (IOException | OperatorCreationException e) {
      throw new GeneralSecurityException("cannot make the CSR for " + identity + ": " + e.getMessage(), e);
    }
  }
}
