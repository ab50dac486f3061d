package dev.outrigger.it.mtls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A certificate directory as a Secret volume presents it to the sidecar (Istio's
 * {@code /etc/certs}: cert-chain.pem, key.pem, root-cert.pem), written the way the kubelet's
 * atomic writer does: the files are symlinks through {@code ..data}, itself a symlink to a
 * timestamped directory, and an update writes a new directory then renames a new {@code ..data}
 * link over the old one. A reader therefore sees either all old or all new files, never a key
 * that does not match its certificate. Readable by the proxy's uid 1337.
 */
public final class CertMount {
  public static final String CERT_CHAIN = "cert-chain.pem";
  public static final String KEY = "key.pem";
  public static final String ROOT_CERT = "root-cert.pem";
  private static final String DATA = "..data";

  private final Path dir;
  private int generation;

  private CertMount(Path dir) {
    this.dir = dir;
  }

  /** Creates {@code dir} holding {@code leaf}'s chain and key and its CA's root. */
  public static CertMount create(Path dir, MeshCa.Leaf leaf) {
    try {
      Files.createDirectories(dir);
      readable(dir, "rwxr-xr-x");
      CertMount mount = new CertMount(dir);
      mount.swapTo(leaf);
      for (String name : new String[] {CERT_CHAIN, KEY, ROOT_CERT}) {
        Files.createSymbolicLink(dir.resolve(name), Path.of(DATA, name));
      }
      return mount;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the certificate mount " + dir, e);
    }
  }

  /** What OUTRIGGER_CERT_DIR names. */
  public Path dir() {
    return dir;
  }

  /** Replaces all three files at once with {@code leaf}'s (a Secret update, or cert-manager renewing it). */
  public void rotateTo(MeshCa.Leaf leaf) {
    try {
      swapTo(leaf);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot rotate the certificate mount " + dir, e);
    }
  }

  private void swapTo(MeshCa.Leaf leaf) throws IOException {
    Path generationDir = dir.resolve("..generation_" + (++generation));
    Files.createDirectory(generationDir);
    Files.writeString(generationDir.resolve(CERT_CHAIN), leaf.chainPem());
    Files.writeString(generationDir.resolve(KEY), leaf.keyPem());
    Files.writeString(generationDir.resolve(ROOT_CERT), leaf.rootPem());
    for (String name : new String[] {CERT_CHAIN, KEY, ROOT_CERT}) {
      readable(generationDir.resolve(name), "rw-r--r--");
    }
    readable(generationDir, "rwxr-xr-x");
    Path next = dir.resolve("..data_tmp");
    Files.deleteIfExists(next);
    Files.createSymbolicLink(next, generationDir.getFileName());
    Files.move(next, dir.resolve(DATA), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static void readable(Path path, String permissions) throws IOException {
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
  }
}
