package dev.outrigger.it.mtls;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.it.harness.CommandResult;
import dev.outrigger.it.harness.Commands;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The IT's CA and certificate mount, checked with openssl itself (no root, no pods). */
class MeshCaTest {
  private static final String SA = "spiffe://cluster.local/ns/default/sa/sleep";
  @TempDir Path dir;

  @Test
  void leavesAreShapedAsIstiodIssuesThemAndVerifyOnlyAgainstTheirOwnRoot() throws Exception {
    MeshCa ca = MeshCa.create(dir, "mesh");
    MeshCa foreign = MeshCa.create(dir, "foreign");
    MeshCa.Leaf leaf = ca.issue("sleep", SA);
    String text = openssl("x509", "-in", leaf.cert().toString(), "-noout", "-text").stdout();
    Path chain = Files.writeString(dir.resolve("chain.pem"), leaf.chainPem());
    assertAll(text,
        () -> assertTrue(text.contains("Subject: \n") || text.contains("Subject:\n") || text.matches("(?s).*Subject: *\\n.*"),
            "empty subject"),
        () -> assertTrue(text.contains("URI:" + SA), "the SPIFFE id as URI SAN"),
        () -> assertTrue(!text.contains("DNS:") && !text.contains("email:"), "no other names"),
        () -> assertTrue(text.contains("TLS Web Server Authentication, TLS Web Client Authentication")),
        () -> assertTrue(verify(ca, leaf).succeeded(), verify(ca, leaf).describe()),
        () -> assertTrue(leaf.chainPem().startsWith(Files.readString(leaf.cert())), "the chain starts with the leaf"),
        () -> assertEquals(2, leaf.chainPem().split("BEGIN CERTIFICATE").length - 1, "leaf + intermediate: " + chain),
        () -> assertTrue(!verify(ca, ca.issueExpired("old", SA)).succeeded(), "expired"),
        () -> assertTrue(verify(ca, ca.issueExpired("old2", SA)).printed().contains("expired")),
        () -> assertTrue(!verify(ca, foreign.issue("alien", SA)).succeeded(), "a foreign leaf does not chain to the mesh root"));
  }

  @Test
  void theDigestIsOpensslsAndEachLeafHasItsOwnSerial() {
    MeshCa ca = MeshCa.create(dir, "mesh");
    MeshCa.Leaf a = ca.issue("a", SA);
    MeshCa.Leaf b = ca.issue("b", SA);
    assertAll(
        () -> assertTrue(a.derSha256().matches("[0-9a-f]{64}"), a.derSha256()),
        () -> assertNotEquals(a.derSha256(), b.derSha256()),
        () -> assertTrue(a.serial().startsWith("serial="), a.serial()),
        () -> assertNotEquals(a.serial(), b.serial()));
  }

  @Test
  void aRotationSwapsAllThreeFilesAtOnce() throws Exception {
    MeshCa ca = MeshCa.create(dir, "mesh");
    MeshCa.Leaf first = ca.issue("first", SA);
    MeshCa.Leaf second = ca.issue("second", SA);
    CertMount mount = CertMount.create(dir.resolve("certs"), first);
    Path chain = mount.dir().resolve(CertMount.CERT_CHAIN);
    Path key = mount.dir().resolve(CertMount.KEY);
    Path root = mount.dir().resolve(CertMount.ROOT_CERT);
    assertEquals(first.chainPem(), Files.readString(chain));
    assertEquals(first.keyPem(), Files.readString(key));
    mount.rotateTo(second);
    assertAll(
        () -> assertEquals(second.chainPem(), Files.readString(chain)),
        () -> assertEquals(second.keyPem(), Files.readString(key)),
        () -> assertEquals(second.rootPem(), Files.readString(root)),
        () -> assertTrue(Files.isSymbolicLink(chain) && Files.isSymbolicLink(mount.dir().resolve("..data"))),
        () -> assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(
            Files.getPosixFilePermissions(key)), "readable by the proxy's uid"));
  }

  @Test
  void serverNamesAreReadFromAnSServerTrace() {
    List<String> trace = List.of(
        "        extension_type=server_name(0), length=37",
        "          0000 - 00 23 00 00 20 6f 75 74-62 6f 75 6e 64 5f 2e   .#.. outbound_.",
        "          000f - 38 34 34 33 5f 2e 5f 2e-6f 70 65 6e 73 73 6c   8443_._.openssl",
        "          001e - 2d 73 65 72 76 65 72                           -server",
        "        extension_type=ec_point_formats(11), length=4");
    assertEquals(List.of("outbound_.8443_._.openssl-server"), OpensslPeers.serverNames(trace));
  }

  private static CommandResult verify(MeshCa ca, MeshCa.Leaf leaf) {
    return openssl("verify", "-CAfile", ca.root().toString(), "-untrusted", ca.intermediate().toString(),
        leaf.cert().toString());
  }

  private static CommandResult openssl(String... args) {
    List<String> argv = new java.util.ArrayList<>(List.of("openssl"));
    argv.addAll(List.of(args));
    return Commands.run(java.time.Duration.ofSeconds(30), argv);
  }
}
