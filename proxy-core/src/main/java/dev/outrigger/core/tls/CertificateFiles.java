package dev.outrigger.core.tls;

import java.nio.file.Path;

/**
 * Where file-mounted certificates are, by Istio's names (pkg/security: DefaultCertChainFilePath,
 * DefaultKeyFilePath, DefaultRootCertFilePath, under ./etc/certs of pilot-agent's root directory).
 */
public record CertificateFiles(Path chain, Path key, Path roots) {
  public static final Path ISTIO_DIRECTORY = Path.of("/etc/certs");
  public static final String CHAIN = "cert-chain.pem";
  public static final String KEY = "key.pem";
  public static final String ROOTS = "root-cert.pem";

  /** The three files by Istio's names in one directory. */
  public static CertificateFiles in(Path directory) {
    return new CertificateFiles(directory.resolve(CHAIN), directory.resolve(KEY), directory.resolve(ROOTS));
  }

  @Override
  public String toString() {
    return chain + ", " + key + ", " + roots;
  }
}
