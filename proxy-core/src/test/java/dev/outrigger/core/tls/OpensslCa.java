package dev.outrigger.core.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A mesh CA made by openssl, shaped as istiod's: a root, an intermediate that signs, and leaf
 * certificates whose only name is a URI SAN (the SPIFFE id), with an empty subject.
 */
final class OpensslCa {
  final Path dir;
  private int serial;

  OpensslCa(Path dir) throws IOException, InterruptedException {
    this.dir = dir;
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "root-key.pem",
        "-out", "root-cert.pem", "-days", "2", "-subj", "/O=cluster.local/CN=root");
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca-key.pem",
        "-out", "ca.csr", "-subj", "/O=cluster.local/CN=intermediate");
    Files.writeString(dir.resolve("ca.ext"), "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n");
    openssl("x509", "-req", "-in", "ca.csr", "-CA", "root-cert.pem", "-CAkey", "root-key.pem", "-set_serial", "1",
        "-out", "ca-cert.pem", "-days", "2", "-extfile", "ca.ext");
  }

  /** A leaf for the SPIFFE id; returns {chain PEM (leaf, intermediate, root), key PEM (PKCS#8)}. */
  String[] issue(String spiffeId, String keyAlgorithm) throws IOException, InterruptedException {
    String n = "leaf" + (++serial);
    if (keyAlgorithm.equals("rsa")) {
      openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", n + "-key.pem");
    } else {
      openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", n + "-key.pem");
    }
    openssl("req", "-new", "-key", n + "-key.pem", "-out", n + ".csr", "-subj", "/");
    return new String[] {sign(n + ".csr", spiffeId, n), Files.readString(dir.resolve(n + "-key.pem"))};
  }

  /** Signs a CSR file with the intermediate, setting the SPIFFE id as the only SAN; returns the chain PEM. */
  String sign(String csrFile, String spiffeId, String name) throws IOException, InterruptedException {
    Files.writeString(dir.resolve(name + ".ext"), "basicConstraints=critical,CA:FALSE\n"
        + "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\n"
        + "subjectAltName=critical,URI:" + spiffeId + "\n");
    openssl("x509", "-req", "-in", csrFile, "-CA", "ca-cert.pem", "-CAkey", "ca-key.pem", "-set_serial",
        Integer.toString(100 + ++serial), "-out", name + "-cert.pem", "-days", "1", "-extfile", name + ".ext");
    return Files.readString(dir.resolve(name + "-cert.pem")) + Files.readString(dir.resolve("ca-cert.pem"))
        + rootPem();
  }

  String rootPem() throws IOException {
    return Files.readString(dir.resolve("root-cert.pem"));
  }

  /** The same key in the traditional SEC1 / PKCS#1 form ("EC PRIVATE KEY", "RSA PRIVATE KEY"). */
  String traditional(String pkcs8Pem) throws IOException, InterruptedException {
    Path in = Files.writeString(dir.resolve("in-key.pem"), pkcs8Pem);
    openssl("pkey", "-in", in.toString(), "-traditional", "-out", "trad-key.pem");
    return Files.readString(dir.resolve("trad-key.pem"));
  }

  void openssl(String... args) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of("openssl"));
    argv.addAll(List.of(args));
    Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("openssl " + argv + " failed: " + out);
    }
  }
}
