package dev.outrigger.core.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One context per policy and identity: built once, rebuilt after a rotation, none before an identity. */
class TlsContextsTest {
  @TempDir Path dir;

  @Test
  void contextsAreCachedPerIdentityAndRebuiltOnRotation() throws Exception {
    OpensslMeshCa ca = OpensslMeshCa.create(dir, "mesh");
    FixedCertificateSource source = new FixedCertificateSource(ca.issue("a", "spiffe://cluster.local/ns/a/sa/a").identity());
    TlsContexts contexts = new TlsContexts(source);
    ClientTlsPolicy policy = new ClientTlsPolicy(List.of("istio"), List.of());

    assertSame(contexts.client(policy), contexts.client(new ClientTlsPolicy(List.of("istio"), List.of())));
    var before = contexts.client(policy);
    source.rotate(ca.issue("b", "spiffe://cluster.local/ns/a/sa/a").identity());
    assertNotSame(before, contexts.client(policy), "a rotated identity gets new contexts");
  }

  @Test
  void noIdentityYetIsEnvoysSdsNotReady() {
    TlsContexts contexts = new TlsContexts(new FixedCertificateSource(null));
    SSLException e = assertThrows(SSLException.class,
        () -> contexts.server(new ServerTlsPolicy(List.of("h2"), true, List.of())));
    assertEquals("TLS error: Secret is not supplied by SDS", e.getMessage());
  }
}
