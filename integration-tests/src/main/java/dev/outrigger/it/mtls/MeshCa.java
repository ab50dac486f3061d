package dev.outrigger.it.mtls;

import dev.outrigger.it.harness.CommandFailedException;
import dev.outrigger.it.harness.CommandResult;
import dev.outrigger.it.harness.Commands;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A mesh CA made with the openssl CLI, shaped as istiod's self-signed CA: a root, an intermediate
 * that signs the workloads, and workload leaves (ECDSA P-256) whose only name is the URI SAN
 * {@code spiffe://cluster.local/ns/<ns>/sa/<sa>}, with an empty subject, usable as client and
 * server (pilot/pkg/security: istiod's certificates carry serverAuth and clientAuth). Also the
 * misfits the tests need: an expired leaf, and (from a second CA) a leaf of a foreign root.
 *
 * <p>Why not proxy-core's test OpensslMeshCa: it lives in that module's test classes, is package
 * private and returns proxy-core's in-memory IdentityMaterial; the ITs need files laid out as
 * Istio mounts them, peers run from the openssl CLI, expired and foreign leaves, and no
 * dependency on the product's classes (they test the packaged jar). Sharing it would mean a
 * test-jar of proxy-core on the ITs' classpath for ~60 lines of openssl calls.
 */
public final class MeshCa {
  public static final String TRUST_DOMAIN = "cluster.local";
  private static final Duration OPENSSL_TIMEOUT = Duration.ofSeconds(30);

  private final Path dir;
  private final String name;
  private int issued;

  private MeshCa(Path dir, String name) {
    this.dir = dir;
    this.name = name;
  }

  /** A root (O=name) and an intermediate it signed, in {@code dir}, their files prefixed with {@code name}. */
  public static MeshCa create(Path dir, String name) {
    MeshCa ca = new MeshCa(dir, name);
    ca.openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", ca.file("root.key"), "-out", ca.file("root.pem"), "-days", "3650", "-subj", "/O=" + name,
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    ca.write("inter.ext", "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n");
    ca.openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", ca.file("inter.key"), "-out", ca.file("inter.csr"), "-subj", "/O=" + name + "/CN=intermediate");
    ca.openssl("x509", "-req", "-in", ca.file("inter.csr"), "-CA", ca.file("root.pem"), "-CAkey", ca.file("root.key"),
        "-set_serial", "1", "-out", ca.file("inter.pem"), "-days", "3650", "-extfile", ca.file("inter.ext"));
    return ca;
  }

  /** spiffe://cluster.local/ns/&lt;ns&gt;/sa/&lt;sa&gt;, as istiod names a workload. */
  public static String spiffeId(String namespace, String serviceAccount) {
    return "spiffe://" + TRUST_DOMAIN + "/ns/" + namespace + "/sa/" + serviceAccount;
  }

  /** A leaf valid for a year. */
  public Leaf issue(String leafName, String spiffeId) {
    return sign(leafName, spiffeId, "365");
  }

  /**
   * A leaf whose validity ended before the test: openssl's {@code -days -1} puts notAfter a day
   * before notBefore (now), so every verifier sees it expired.
   */
  public Leaf issueExpired(String leafName, String spiffeId) {
    return sign(leafName, spiffeId, "-1");
  }

  public Path root() {
    return dir.resolve(name + "-root.pem");
  }

  public Path intermediate() {
    return dir.resolve(name + "-inter.pem");
  }

  private Leaf sign(String leafName, String spiffeId, String days) {
    String base = leafName + "-" + (++issued);
    write(base + ".ext", "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
        + "extendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=critical,URI:" + spiffeId + "\n");
    openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", file(base + ".key"), "-out", file(base + ".csr"), "-subj", "/");
    openssl("x509", "-req", "-in", file(base + ".csr"), "-CA", file("inter.pem"), "-CAkey", file("inter.key"),
        "-set_serial", String.valueOf(1000 + issued), "-out", file(base + ".pem"), "-days", days,
        "-extfile", file(base + ".ext"));
    return new Leaf(this, spiffeId, dir.resolve(name + "-" + base + ".pem"), dir.resolve(name + "-" + base + ".key"));
  }

  private String file(String suffix) {
    return dir.resolve(name + "-" + suffix).toString();
  }

  private void write(String suffix, String text) {
    try {
      Files.writeString(Path.of(file(suffix)), text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void openssl(String... args) {
    List<String> argv = new ArrayList<>(List.of("openssl"));
    argv.addAll(List.of(args));
    CommandResult result = Commands.run(OPENSSL_TIMEOUT, argv);
    if (!result.succeeded()) {
      throw new CommandFailedException("the mesh CA's openssl call failed\n" + result.describe());
    }
  }

  /** A workload certificate and its key (PKCS#8 PEM), signed by the CA's intermediate. */
  public record Leaf(MeshCa ca, String spiffeId, Path cert, Path key) {
    /** What Istio mounts as cert-chain.pem: the leaf then the intermediate. */
    public String chainPem() {
      return read(cert) + read(ca.intermediate());
    }

    public String keyPem() {
      return read(key);
    }

    public String rootPem() {
      return read(ca.root());
    }

    /** The leaf's DER SHA-256 in hex, as {@code openssl x509 -outform DER | sha256sum} prints it (XFCC's Hash). */
    public String derSha256() {
      CommandResult result = Commands.run(OPENSSL_TIMEOUT, List.of("bash", "-c",
          "set -o pipefail; openssl x509 -in \"$0\" -outform DER | sha256sum", cert.toString()));
      return result.requireSuccess().stdout().split("\\s+")[0];
    }

    /** The serial as {@code openssl x509 -noout -serial} prints it ("serial=03EA"). */
    public String serial() {
      return Commands.run(OPENSSL_TIMEOUT, List.of("openssl", "x509", "-in", cert.toString(), "-noout", "-serial"))
          .requireSuccess().stdout().strip();
    }

    private static String read(Path file) {
      try {
        return Files.readString(file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
