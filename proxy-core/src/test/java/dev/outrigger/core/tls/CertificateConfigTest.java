package dev.outrigger.core.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CertificateConfigTest {
  private static final String ISTIOD = "istiod.istio-system.svc:15012";

  private static Map<String, String> pod(String... kv) {
    Map<String, String> env = new HashMap<>(Map.of("POD_NAMESPACE", "shop", "SERVICE_ACCOUNT", "cart"));
    for (int i = 0; i < kv.length; i += 2) {
      env.put(kv[i], kv[i + 1]);
    }
    return env;
  }

  private static String error(Map<String, String> env) {
    return assertThrows(IllegalArgumentException.class, () -> CertificateConfig.fromEnvironment(env, ISTIOD))
        .getMessage();
  }

  @Test
  void istiosDefaults() {
    CertificateConfig c = CertificateConfig.fromEnvironment(pod(), ISTIOD);
    assertFalse(c.fileMounted());
    assertEquals(ISTIOD, c.caAddress());
    assertEquals("spiffe://cluster.local/ns/shop/sa/cart", c.requestedIdentity().uri());
    assertEquals(Duration.ofHours(24), c.ttl());
    assertEquals(0.5, c.graceRatio());
    assertEquals(0.01, c.graceRatioJitter());
    assertEquals(new KeyType.Ecdsa("P256"), c.keyType());
    assertEquals(CertificateFiles.in(Path.of("/etc/certs")), c.files());
  }

  @Test
  void istiosVariables() {
    CertificateConfig c = CertificateConfig.fromEnvironment(pod("CA_ADDR", "ca.example:443", "TRUST_DOMAIN", "td.example",
        "SECRET_TTL", "1h30m", "SECRET_GRACE_PERIOD_RATIO", "0.25", "SECRET_GRACE_PERIOD_RATIO_JITTER", "0",
        "ECC_SIGNATURE_ALGORITHM", "RSA", "WORKLOAD_RSA_KEY_SIZE", "3072"), ISTIOD);
    assertEquals("ca.example:443", c.caAddress());
    assertEquals("spiffe://td.example/ns/shop/sa/cart", c.requestedIdentity().uri());
    assertEquals(Duration.ofMinutes(90), c.ttl());
    assertEquals(0.25, c.graceRatio());
    assertEquals(0.0, c.graceRatioJitter());
    assertEquals(new KeyType.Rsa(3072), c.keyType());
    assertEquals(new KeyType.Ecdsa("P384"),
        CertificateConfig.fromEnvironment(pod("ECC_SIGNATURE_ALGORITHM", "ECDSA", "ECC_CURVE", "P384"), ISTIOD).keyType());
  }

  @Test
  void fileMountedCertsNeedNoIdentityVariables() {
    CertificateConfig c = CertificateConfig.fromEnvironment(Map.of("FILE_MOUNTED_CERTS", "true",
        "OUTRIGGER_CERT_DIR", "/var/run/certs"), ISTIOD);
    assertTrue(c.fileMounted());
    assertEquals(Path.of("/var/run/certs/key.pem"), c.files().key());
  }

  @Test
  void badValuesNameTheVariableAndWhatWasExpected() {
    assertEquals("SECRET_TTL=1 day: '1 day' (expected a duration such as 24h, 1h30m, 90s or 500ms)",
        error(pod("SECRET_TTL", "1 day")));
    assertEquals("SECRET_GRACE_PERIOD_RATIO=1.5 (expected: above 0, below 1)",
        error(pod("SECRET_GRACE_PERIOD_RATIO", "1.5")));
    assertTrue(error(pod("SECRET_GRACE_PERIOD_RATIO", "half")).startsWith("SECRET_GRACE_PERIOD_RATIO=half"));
    assertEquals("ECC_SIGNATURE_ALGORITHM=DSA (expected: ECDSA, or RSA)", error(pod("ECC_SIGNATURE_ALGORITHM", "DSA")));
    assertEquals("ECC_CURVE=P521: ECC curve P521 (expected: P256 or P384)", error(pod("ECC_CURVE", "P521")));
    assertEquals("WORKLOAD_RSA_KEY_SIZE=1024: RSA key size 1024 (expected: 2048 or more)",
        error(pod("ECC_SIGNATURE_ALGORITHM", "RSA", "WORKLOAD_RSA_KEY_SIZE", "1024")));
    assertEquals("FILE_MOUNTED_CERTS=yes: 'yes' (expected: true or false)", error(pod("FILE_MOUNTED_CERTS", "yes")));
    assertTrue(error(Map.of("SERVICE_ACCOUNT", "cart")).startsWith("POD_NAMESPACE is not set"));
  }

  @Test
  void goDurations() {
    assertEquals(Duration.ofHours(24), GoDuration.parse("24h0m0s"));
    assertEquals(Duration.ofMillis(1500), GoDuration.parse("1.5s"));
    assertEquals(Duration.ofMillis(500), GoDuration.parse("500ms"));
    assertEquals(Duration.ZERO, GoDuration.parse("0"));
    assertThrows(IllegalArgumentException.class, () -> GoDuration.parse("24"));
  }
}
