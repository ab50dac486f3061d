package dev.outrigger.core.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** File-mounted certificates from a real (openssl) CA: read, rotated, refused when broken, swapped by symlink. */
class FileCertificateSourceTest {
  private static final String ID = "spiffe://cluster.local/ns/default/sa/default";
  private static final Duration POLL = Duration.ofMillis(50);

  @TempDir
  Path dir;
  private OpensslMeshCa ca;
  private int issued;

  @BeforeEach
  void ca() throws Exception {
    ca = OpensslMeshCa.create(Files.createDirectory(dir.resolve("ca")), "mesh");
  }

  /** {chain PEM (leaf, intermediate), key PEM (PKCS#8)} of a fresh leaf for {@link #ID}. */
  private String[] issue(OpensslMeshCa.Key key) throws IOException {
    OpensslMeshCa.Leaf leaf = ca.issue("leaf" + (++issued), ID, key);
    return new String[] {leaf.chainPem(), leaf.keyPem()};
  }

  private void write(Path d, String[] issued) throws IOException {
    Files.createDirectories(d);
    Files.writeString(d.resolve(CertificateFiles.CHAIN), issued[0]);
    Files.writeString(d.resolve(CertificateFiles.KEY), issued[1]);
    Files.writeString(d.resolve(CertificateFiles.ROOTS), ca.rootPem());
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertTrue(condition.getAsBoolean(), "not within 10 s");
  }

  @Test
  void readsIstiosFilesAndTheSpiffeIdIsTheLeafs() throws Exception {
    Path certs = dir.resolve("etc-certs");
    write(certs, issue(OpensslMeshCa.Key.EC));
    try (FileCertificateSource source = FileCertificateSource.start(CertificateFiles.in(certs), POLL)) {
      IdentityMaterial m = source.current().orElseThrow();
      assertEquals(2, m.chain().size(), "the leaf and the intermediate");
      assertEquals(1, m.roots().size());
      assertEquals(ID, SpiffeId.of(m.leaf()).orElseThrow().uri());
      assertEquals("EC", m.key().getAlgorithm());
    }
  }

  @Test
  void rewrittenFilesAreReadAgainAndListenersTold() throws Exception {
    Path certs = dir.resolve("etc-certs");
    write(certs, issue(OpensslMeshCa.Key.EC));
    try (FileCertificateSource source = FileCertificateSource.start(CertificateFiles.in(certs), POLL)) {
      IdentityMaterial first = source.current().orElseThrow();
      List<IdentityMaterial> told = new CopyOnWriteArrayList<>();
      source.onChange(told::add);
      write(certs, issue(OpensslMeshCa.Key.RSA));
      await(() -> !told.isEmpty());
      IdentityMaterial second = source.current().orElseThrow();
      assertEquals(second, told.get(0));
      assertFalse(first.leaf().equals(second.leaf()));
      assertEquals("RSA", second.key().getAlgorithm());
      assertEquals(0, source.reloadFailures());
    }
  }

  @Test
  void aBrokenRewriteKeepsTheLastGoodIdentityAndIsCounted() throws Exception {
    Path certs = dir.resolve("etc-certs");
    write(certs, issue(OpensslMeshCa.Key.EC));
    try (FileCertificateSource source = FileCertificateSource.start(CertificateFiles.in(certs), POLL)) {
      IdentityMaterial good = source.current().orElseThrow();
      // A new key with the old certificate: the key is not the leaf's.
      Files.writeString(certs.resolve(CertificateFiles.KEY), issue(OpensslMeshCa.Key.EC)[1]);
      await(() -> source.reloadFailures() == 1);
      assertEquals(good, source.current().orElseThrow());
      // Garbage in the chain file.
      Files.writeString(certs.resolve(CertificateFiles.CHAIN), "-----BEGIN CERTIFICATE-----\nnot base64\n");
      await(() -> source.reloadFailures() == 2);
      assertEquals(good, source.current().orElseThrow());
      Thread.sleep(POLL.toMillis() * 4);
      assertEquals(2, source.reloadFailures(), "a refused set is counted once, not at every poll");
    }
  }

  @Test
  void aSymlinkSwapAsKubernetesAndCertManagerDoIsSeen() throws Exception {
    // The secret volume's layout: key.pem -> ..data/key.pem, ..data -> ..2026_v1 (swapped by rename).
    Path mount = Files.createDirectory(dir.resolve("mount"));
    write(mount.resolve("..v1"), issue(OpensslMeshCa.Key.EC));
    Files.createSymbolicLink(mount.resolve("..data"), Path.of("..v1"));
    for (String name : List.of(CertificateFiles.CHAIN, CertificateFiles.KEY, CertificateFiles.ROOTS)) {
      Files.createSymbolicLink(mount.resolve(name), Path.of("..data", name));
    }
    try (FileCertificateSource source = FileCertificateSource.start(CertificateFiles.in(mount), POLL)) {
      IdentityMaterial first = source.current().orElseThrow();
      write(mount.resolve("..v2"), issue(OpensslMeshCa.Key.EC));
      Files.createSymbolicLink(mount.resolve("..data_tmp"), Path.of("..v2"));
      Files.move(mount.resolve("..data_tmp"), mount.resolve("..data"), StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      await(() -> !source.current().orElseThrow().leaf().equals(first.leaf()));
      assertEquals(0, source.reloadFailures());
    }
  }

  @Test
  void missingFilesMeanNoIdentityYetUntilTheyAppear() throws Exception {
    Path certs = dir.resolve("etc-certs");
    try (FileCertificateSource source = FileCertificateSource.start(CertificateFiles.in(certs), POLL)) {
      assertTrue(source.current().isEmpty());
      write(certs, issue(OpensslMeshCa.Key.EC));
      await(() -> source.current().isPresent());
    }
  }

  @Test
  void traditionalEcAndRsaKeysAreReadAsPkcs8Is() throws Exception {
    for (OpensslMeshCa.Key alg : OpensslMeshCa.Key.values()) {
      String[] issued = issue(alg);
      String traditional = ca.traditional(issued[1]);
      assertTrue(traditional.contains(alg == OpensslMeshCa.Key.EC ? "BEGIN EC PRIVATE KEY" : "BEGIN RSA PRIVATE KEY"));
      // parse() proves the key is the leaf's (it signs with it and verifies with the leaf).
      IdentityMaterial m = PemIdentity.parse(issued[0], traditional, ca.rootPem());
      assertEquals(alg.name(), m.key().getAlgorithm());
    }
  }

  @Test
  void aKeyErrorNeverCarriesTheKeyText() throws Exception {
    String[] issued = issue(OpensslMeshCa.Key.EC);
    String damaged = issued[1].replace("PRIVATE KEY-----\n", "PRIVATE KEY-----\nAAAA");
    IOException e = assertThrows(IOException.class, () -> PemIdentity.parse(issued[0], damaged, ca.rootPem()));
    String body = issued[1].split("\n")[1];
    assertFalse(e.getMessage().contains(body.substring(0, 16)), e.getMessage());
  }
}
