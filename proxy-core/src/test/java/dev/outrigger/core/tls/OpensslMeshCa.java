package dev.outrigger.core.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A mesh CA made with the openssl CLI, shaped as istiod's: a root, an intermediate that signs the
 * workloads, and leaves (ECDSA P-256, or RSA 2048 as istiod signs with ECC_SIGNATURE_ALGORITHM=RSA)
 * whose only name is a URI SAN, with an empty subject. The one test CA of the modules' tests
 * (shared through proxy-core's test-jar); the integration tests' harness has its own (it.mtls.MeshCa),
 * as it runs the packaged product and cannot depend on a test-jar.
 */
public final class OpensslMeshCa {
  /** The leaf's key type. */
  public enum Key { EC, RSA }

  final Path dir;
  final String name;

  private OpensslMeshCa(Path dir, String name) {
    this.dir = dir;
    this.name = name;
  }

  /** A root and an intermediate in {@code dir}, their files prefixed with {@code name}. */
  public static OpensslMeshCa create(Path dir, String name) throws IOException {
    OpensslMeshCa ca = new OpensslMeshCa(dir, name);
    ca.run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", ca.file("root.key"), "-out", ca.file("root.pem"), "-days", "3650", "-subj", "/O=" + name,
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    Files.writeString(dir.resolve(name + "-inter.ext"),
        "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n");
    ca.run("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", ca.file("inter.key"), "-out", ca.file("inter.csr"), "-subj", "/O=" + name + "/CN=intermediate");
    ca.run("x509", "-req", "-in", ca.file("inter.csr"), "-CA", ca.file("root.pem"), "-CAkey", ca.file("root.key"),
        "-CAcreateserial", "-out", ca.file("inter.pem"), "-days", "3650", "-extfile", ca.file("inter.ext"));
    return ca;
  }

  /** A workload leaf for {@code spiffeId}; its files are {@code <name>-<leaf>.key/.pem}. */
  public Leaf issue(String leaf, String spiffeId) throws IOException {
    return issue(leaf, "/", "URI:" + spiffeId);
  }

  /** A workload leaf for {@code spiffeId} with a key of the given type. */
  public Leaf issue(String leaf, String spiffeId, Key key) throws IOException {
    return issue(leaf, "/", "URI:" + spiffeId, 365, key);
  }

  /**
   * A leaf with {@code subject} ({@code -subj} syntax, UTF-8) and {@code subjectAltName} (openssl's
   * syntax, e.g. {@code URI:spiffe://...,DNS:a.example}).
   */
  public Leaf issue(String leaf, String subject, String subjectAltName) throws IOException {
    return issue(leaf, subject, subjectAltName, 365, Key.EC);
  }

  /** A workload leaf for {@code spiffeId} whose validity ended a day ago. */
  public Leaf issueExpired(String leaf, String spiffeId) throws IOException {
    return issue(leaf, "/", "URI:" + spiffeId, -1, Key.EC);
  }

  private Leaf issue(String leaf, String subject, String subjectAltName, int days, Key key) throws IOException {
    Files.writeString(dir.resolve(name + "-" + leaf + ".ext"),
        "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
            + "extendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=critical," + subjectAltName + "\n");
    run("req", "-new", "-newkey", key == Key.RSA ? "rsa" : "ec", "-pkeyopt",
        key == Key.RSA ? "rsa_keygen_bits:2048" : "ec_paramgen_curve:P-256", "-nodes", "-utf8",
        "-keyout", file(leaf + ".key"), "-out", file(leaf + ".csr"), "-subj", subject);
    run("x509", "-req", "-in", file(leaf + ".csr"), "-CA", file("inter.pem"), "-CAkey", file("inter.key"),
        "-CAcreateserial", "-out", file(leaf + ".pem"), "-days", Integer.toString(days), "-extfile", file(leaf + ".ext"));
    return new Leaf(this, dir.resolve(name + "-" + leaf + ".key"), dir.resolve(name + "-" + leaf + ".pem"));
  }

  public Path root() {
    return dir.resolve(name + "-root.pem");
  }

  public String rootPem() throws IOException {
    return Files.readString(root());
  }

  public Path intermediate() {
    return dir.resolve(name + "-inter.pem");
  }

  /** The intermediate's key (PKCS#8 PEM), for a test CA service that signs CSRs itself. */
  public Path intermediateKey() {
    return dir.resolve(name + "-inter.key");
  }

  /** The same key in the traditional SEC1 / PKCS#1 form ("EC PRIVATE KEY", "RSA PRIVATE KEY"). */
  public String traditional(String pkcs8Pem) throws IOException {
    Path in = Files.writeString(dir.resolve(name + "-in.key"), pkcs8Pem);
    run("pkey", "-in", in.toString(), "-traditional", "-out", file("trad.key"));
    return Files.readString(Path.of(file("trad.key")));
  }

  private String file(String suffix) {
    return dir.resolve(name + "-" + suffix).toString();
  }

  private void run(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("openssl " + String.join(" ", args) + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  public record Leaf(OpensslMeshCa ca, Path key, Path cert) {
    /** What Istio mounts as cert-chain.pem: the leaf then the intermediate. */
    public String chainPem() throws IOException {
      return Files.readString(cert) + Files.readString(ca.intermediate());
    }

    public String keyPem() throws IOException {
      return Files.readString(key);
    }

    /** This leaf as the proxy's identity: its chain (leaf, intermediate) and the CA's root. */
    public IdentityMaterial identity() throws Exception {
      List<X509Certificate> chain = new ArrayList<>();
      chain.add(certificate(cert));
      chain.add(certificate(ca.intermediate()));
      return new IdentityMaterial(privateKey(key), chain, List.of(certificate(ca.root())));
    }

    /** The subject as OpenSSL prints it with XN_FLAG_RFC2253 ({@code -nameopt RFC2253}). */
    public String opensslSubject() throws Exception {
      Process p = new ProcessBuilder("openssl", "x509", "-in", cert.toString(), "-noout", "-subject", "-nameopt", "RFC2253")
          .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(10, TimeUnit.SECONDS);
      return out.strip().replaceFirst("^subject=", "");
    }

    /** The leaf's DER SHA-256, as {@code openssl x509 -outform DER | sha256sum} prints it. */
    public String sha256() throws Exception {
      Process p = new ProcessBuilder("bash", "-c", "openssl x509 -in '" + cert + "' -outform DER | sha256sum").start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(10, TimeUnit.SECONDS);
      return out.split(" ")[0].trim();
    }
  }

  public static X509Certificate certificate(Path pem) throws Exception {
    try (InputStream in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  /** A PKCS#8 or traditional EC or RSA key. */
  public static PrivateKey privateKey(Path pem) throws Exception {
    return PemIdentity.privateKey(Files.readString(pem));
  }

}
