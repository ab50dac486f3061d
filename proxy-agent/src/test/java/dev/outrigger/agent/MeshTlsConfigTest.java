package dev.outrigger.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.core.tls.PeerAuthenticationMode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where the workload certificate comes from, and the inbound mode without istiod, from the environment. */
class MeshTlsConfigTest {
  private static final Map<String, String> POD = Map.of("POD_NAME", "app-1", "POD_NAMESPACE", "default",
      "INSTANCE_IP", "10.244.0.5", "SERVICE_ACCOUNT", "app");

  private static MeshTlsConfig mtls(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(POD);
    env.putAll(extra);
    return AgentConfig.fromEnvironment(env, PodInfo.NONE, () -> List.of("10.244.0.5")).mtls();
  }

  private static String error(Map<String, String> extra) {
    return assertThrows(ConfigException.class, () -> mtls(extra)).getMessage();
  }

  @Test
  void withoutIstiodOrFilesThereIsNoMtls() {
    MeshTlsConfig none = mtls(Map.of());
    assertTrue(none.certificates().isEmpty());
    assertEquals(PeerAuthenticationMode.DISABLE, none.staticMode());
  }

  @Test
  void mountedFilesArePermissiveByDefaultAndTheModeCanBeStrict() {
    MeshTlsConfig files = mtls(Map.of("FILE_MOUNTED_CERTS", "true", "OUTRIGGER_CERT_DIR", "/certs"));
    assertEquals(Path.of("/certs/cert-chain.pem"), files.certificates().orElseThrow().files().chain());
    assertEquals(PeerAuthenticationMode.PERMISSIVE, files.staticMode());
    assertFalse(files.fromCa());
    assertEquals(PeerAuthenticationMode.STRICT,
        mtls(Map.of("FILE_MOUNTED_CERTS", "true", "OUTRIGGER_MTLS_MODE", "strict")).staticMode());
  }

  @Test
  void istiodOverTlsIssuesTheCertificateOnItsOwnAddress() {
    MeshTlsConfig ca = mtls(Map.of("PILOT_ADDRESS", "istiod.istio-system.svc:15012"));
    assertTrue(ca.fromCa());
    assertEquals("istiod.istio-system.svc:15012", ca.certificates().orElseThrow().caAddress());
    assertFalse(ca.caPlaintext());
    assertEquals("spiffe://cluster.local/ns/default/sa/app", ca.certificates().orElseThrow().requestedIdentity().toString());
  }

  @Test
  void aPlaintextControlPlaneHasNoCaUnlessCaAddrNamesOne() {
    assertTrue(mtls(Map.of("PILOT_ADDRESS", "10.99.0.1:15010")).certificates().isEmpty());
    MeshTlsConfig ca = mtls(Map.of("PILOT_ADDRESS", "10.99.0.1:15010", "CA_ADDR", "10.99.0.1:15010"));
    assertTrue(ca.fromCa());
    assertTrue(ca.caPlaintext());
  }

  @Test
  void badOrImpossibleSettingsNameTheVariable() {
    assertTrue(error(Map.of("OUTRIGGER_MTLS_MODE", "STRICT")).contains("needs a workload certificate"));
    assertTrue(error(Map.of("OUTRIGGER_MTLS_MODE", "mutual")).startsWith("OUTRIGGER_MTLS_MODE='mutual' (expected: STRICT"));
    assertTrue(error(Map.of("CA_ADDR", "ca:15012")).startsWith("CA_ADDR=ca:15012"));
    assertTrue(error(Map.of("PILOT_ADDRESS", "istiod:15012", "SECRET_TTL", "soon")).contains("SECRET_TTL"));
    // A value that is not a boolean is an error, not a silent "no": the certificates would come from elsewhere.
    assertTrue(error(Map.of("FILE_MOUNTED_CERTS", "yes")).startsWith("FILE_MOUNTED_CERTS"));
  }
}
