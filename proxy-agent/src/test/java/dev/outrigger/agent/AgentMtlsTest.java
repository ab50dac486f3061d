package dev.outrigger.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sidecar with mounted certificate files (FILE_MOUNTED_CERTS): not ready until they are there,
 * then ready, with the certificate's fingerprint and expiry (never its key) in /stats and the
 * expiry gauge on the Prometheus port.
 */
class AgentMtlsTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  @TempDir Path certs;
  private Agent agent;

  @AfterEach
  void stop() throws Exception {
    if (agent != null) {
      agent.requestExit("test");
      agent.awaitExitAndDrain();
    }
  }

  @Test
  void readyOnlyOnceTheCertificateFilesAreThere() throws Exception {
    Map<String, String> env = new HashMap<>(Map.of(
        "OUTRIGGER_OUTBOUND_PORT", "0", "OUTRIGGER_INBOUND_PORT", "0",
        "OUTRIGGER_STATUS_PORT", "0", "OUTRIGGER_ADMIN_PORT", "0",
        "OUTRIGGER_PROMETHEUS_PORT", "0", "OUTRIGGER_AGENT_PORT", "0",
        "OUTRIGGER_INBOUND_MODE", "loopback", "OUTRIGGER_DRAIN_DURATION", "0s"));
    env.putAll(Map.of("FILE_MOUNTED_CERTS", "true", "OUTRIGGER_CERT_DIR", certs.toString(),
        "OUTRIGGER_MTLS_MODE", "STRICT"));
    agent = new Agent(AgentConfig.fromEnvironment(env, PodInfo.NONE));
    agent.start();

    HttpResponse<String> notReady = get(agent.statusPort(), "/healthz/ready");
    assertEquals(503, notReady.statusCode());
    assertTrue(notReady.body().contains("no workload certificate yet from files in " + certs), notReady.body());

    selfSignedWorkloadCertificate(certs, "spiffe://cluster.local/ns/default/sa/app");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (get(agent.statusPort(), "/healthz/ready").statusCode() != 200 && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertEquals(200, get(agent.statusPort(), "/healthz/ready").statusCode());

    String stats = get(agent.adminPort(), "/stats").body();
    assertTrue(stats.contains("workload_cert.present: 1"), stats);
    assertTrue(stats.matches("(?s).*workload_cert\\.sha256: [0-9a-f]{64}\n.*"), stats);
    assertTrue(stats.contains("server.days_until_first_cert_expiring: 0"), stats);
    assertFalse(stats.contains("PRIVATE KEY"), stats);
    String metrics = get(agent.prometheusPort(), "/stats/prometheus").body();
    assertTrue(metrics.contains("outrigger_cert_expiry_seconds{resource_name=\"default\"}"), metrics);
    String dump = get(agent.adminPort(), "/config_dump").body();
    assertTrue(dump.contains("\"mode_without_istiod\" : \"STRICT\""), dump);
    // istioctl proxy-config secret reads Envoy's SecretsConfigDump: "default" with the key redacted, and "ROOTCA".
    assertTrue(dump.contains("envoy.admin.v3.SecretsConfigDump"), dump);
    assertTrue(dump.contains("\"private_key\" : {\n") || dump.contains("\"private_key\""), dump);
    assertTrue(dump.contains("W3JlZGFjdGVkXQ=="), "the key is Envoy's [redacted]: " + dump);
    assertTrue(dump.contains("\"ROOTCA\""), dump);
    String keyPem = Files.readString(certs.resolve("key.pem"));
    String keyBody = keyPem.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
    assertFalse(dump.contains(keyBody) || stats.contains(keyBody) || metrics.contains(keyBody), "key material shown");
  }

  /** A one-day self-signed ECDSA certificate with only a URI SAN, as the three files Istio mounts. */
  private static void selfSignedWorkloadCertificate(Path dir, String spiffeId) throws Exception {
    Path staging = Files.createTempDirectory("certs");
    Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
        "ec_paramgen_curve:P-256", "-nodes", "-keyout", staging.resolve("key.pem").toString(),
        "-out", staging.resolve("cert-chain.pem").toString(), "-days", "1", "-subj", "/O=workload",
        "-addext", "subjectAltName=critical,URI:" + spiffeId).redirectErrorStream(true).start();
    String out = new String(openssl.getInputStream().readAllBytes());
    assertTrue(openssl.waitFor(60, TimeUnit.SECONDS) && openssl.exitValue() == 0, out);
    Files.copy(staging.resolve("cert-chain.pem"), staging.resolve("root-cert.pem"));
    for (String name : new String[] {"key.pem", "root-cert.pem", "cert-chain.pem"}) {
      Files.move(staging.resolve(name), dir.resolve(name));
    }
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
