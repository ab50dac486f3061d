package dev.outrigger.core.tls;

/** The workload key a CSR is made with (pilot-agent's ECC_SIGNATURE_ALGORITHM, ECC_CURVE, WORKLOAD_RSA_KEY_SIZE). */
public sealed interface KeyType {
  /** ECDSA on a NIST curve, as pilot-agent's ECC_CURVE names it (P256, P384). */
  record Ecdsa(String curve) implements KeyType {
    public Ecdsa {
      if (!curve.equals("P256") && !curve.equals("P384")) {
        throw new IllegalArgumentException("ECC curve " + curve + " (expected: P256 or P384)");
      }
    }

    /** The JCA name of the curve. */
    public String jcaCurve() {
      return curve.equals("P256") ? "secp256r1" : "secp384r1";
    }

    /** As Go's x509 picks the CSR's signature for the key (SHA-256 for P-256, SHA-384 for P-384). */
    public String signatureAlgorithm() {
      return curve.equals("P256") ? "SHA256withECDSA" : "SHA384withECDSA";
    }

    @Override
    public String toString() {
      return "ECDSA " + curve;
    }
  }

  record Rsa(int bits) implements KeyType {
    public Rsa {
      if (bits < 2048) {
        throw new IllegalArgumentException("RSA key size " + bits + " (expected: 2048 or more)");
      }
    }

    @Override
    public String toString() {
      return "RSA " + bits;
    }
  }
}
