package dev.outrigger.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.core.tls.CertificateConfig;
import dev.outrigger.core.tls.PeerAuthenticationMode;
import dev.outrigger.core.tls.SpiffeId;
import dev.outrigger.xds.ca.MeshCaServer;
import io.envoyproxy.envoy.config.core.v3.Node;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sidecar's certificate from istiod's CA as the agent wires it: over xDS's TLS credentials (the
 * mesh root for istiod's name, the projected token as bearer), the identity the CA put in the
 * certificate, and key material nowhere in what the agent shows.
 */
class WorkloadCertificatesTest {
  @TempDir Path dir;

  @Test
  void istiodsCaIssuesTheWorkloadCertificateOverXdsCredentials() throws Exception {
    try (MeshCaServer ca = new MeshCaServer(dir)) {
      Path token = Files.writeString(dir.resolve("istio-token"), "header.payload.signature\n");
      XdsConfig xds = new XdsConfig(ca.target(), false, "istiod.istio-system.svc", ca.rootCert(), token, "Kubernetes",
          Node.getDefaultInstance(), XdsConfig.PILOT_ADDRESS);
      CertificateConfig certs = CertificateConfig.fromEnvironment(
          Map.of("POD_NAMESPACE", "default", "SERVICE_ACCOUNT", "reviews"), ca.target());
      MeshTlsConfig mtls = new MeshTlsConfig(Optional.of(certs), false, PeerAuthenticationMode.PERMISSIVE);
      try (WorkloadCertificates workload = WorkloadCertificates.start(mtls, Optional.of(xds)).orElseThrow()) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!workload.valid() && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        assertTrue(workload.valid(), workload.notReadyReason());
        assertEquals(Optional.of(SpiffeId.forWorkload("cluster.local", "default", "reviews")),
            workload.contexts().identity().flatMap(id -> SpiffeId.of(id.leaf())));
        assertEquals(List.of("Bearer header.payload.signature"), ca.authorizations());
        Map<String, Object> stats = workload.snapshot();
        assertEquals("istiod CA " + ca.target(), stats.get("workload_cert.source"));
        assertFalse(stats.toString().contains("PRIVATE"), stats.toString());
      }
    }
  }
}
