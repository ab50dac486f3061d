package dev.outrigger.xds.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.core.tls.IdentityMaterial;
import dev.outrigger.core.tls.KeyType;
import dev.outrigger.core.tls.SpiffeId;
import dev.outrigger.xds.Backoff;
import dev.outrigger.xds.XdsChannels;
import io.grpc.ManagedChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CA source against Istio's CA protocol served over TLS by a test CA (openssl-made root and
 * intermediate), reached as pilot-agent reaches istiod: XdsChannels.istiod with the token and the
 * cluster id.
 */
class IstioCaSourceTest {
  private static final SpiffeId ASKED = SpiffeId.forWorkload("cluster.local", "shop", "cart");

  @TempDir
  Path dir;
  private MeshCaServer ca;
  private ManagedChannel channel;
  private final ManualTimer timer = new ManualTimer();

  /** The timer's tasks, run by the test when it says so. */
  static final class ManualTimer implements IstioCaSource.Timer {
    record Scheduled(Duration delay, Runnable task) {}

    final Deque<Scheduled> queue = new ArrayDeque<>();

    @Override
    public synchronized void schedule(Duration delay, Runnable task) {
      queue.add(new Scheduled(delay, task));
    }

    synchronized Scheduled next() {
      return queue.remove();
    }

    /** Runs the next task; returns the delay it had been scheduled with. */
    Duration runNext() {
      Scheduled s = next();
      s.task().run();
      return s.delay();
    }

    @Override
    public void close() {}
  }

  @BeforeEach
  void start() throws Exception {
    ca = new MeshCaServer(Files.createDirectory(dir.resolve("ca")));
    Path token = Files.writeString(dir.resolve("istio-token"), "header.payload.signature\n");
    channel = XdsChannels.istiod(ca.target(), "istiod.istio-system.svc", ca.rootCert(), token, "Kubernetes");
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow();
    ca.close();
  }

  private IstioCaSource source(KeyType keyType, Duration ttl, double ratio, double jitter, Clock clock,
      double jitterDraw) {
    return new IstioCaSource(new IstioCaClient(channel), ASKED, keyType, ttl, ratio, jitter, clock, timer,
        new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60)), () -> jitterDraw);
  }

  @Test
  void asksWithAnEcdsaCsrForItsSpiffeIdTheTokenAndTheClusterIdAndTakesTheIdentityIstiodGives() throws Exception {
    ca.issuedIdentity = "spiffe://td.example/ns/shop/sa/cart"; // istiod decides the trust domain
    IstioCaSource source = source(new KeyType.Ecdsa("P256"), Duration.ofHours(24), 0.5, 0.01, Clock.systemUTC(), 0);
    List<IdentityMaterial> told = new CopyOnWriteArrayList<>();
    source.onChange(told::add);
    source.start();
    assertEquals(Duration.ZERO, timer.runNext());

    MeshCaServer.Received r = ca.received.get(0);
    assertEquals("spiffe://cluster.local/ns/shop/sa/cart", MeshCaServer.csrUri(r.csr()));
    assertEquals("", r.csr().getSubject().toString(), "an empty subject, as pilot-agent's CSR");
    ECPublicKey key = (ECPublicKey) new JcaPKCS10CertificationRequest(r.csr()).getPublicKey();
    assertEquals(256, key.getParams().getCurve().getField().getFieldSize());
    assertEquals(86400, r.request().validitySeconds());
    assertEquals("Bearer header.payload.signature", r.headers().get(MeshCaServer.AUTHORIZATION));
    assertEquals("Kubernetes", r.headers().get(MeshCaServer.CLUSTER_ID));

    IdentityMaterial m = source.current().orElseThrow();
    assertEquals(List.of(m), told);
    assertEquals("spiffe://td.example/ns/shop/sa/cart", SpiffeId.of(m.leaf()).orElseThrow().uri());
    assertEquals(3, m.chain().size());
    assertEquals(m.chain().get(2), m.roots().get(0));
    assertEquals("EC", m.key().getAlgorithm());
    assertEquals(0, source.failures());
  }

  @Test
  void rsaByChoice() throws Exception {
    IstioCaSource source = source(new KeyType.Rsa(2048), Duration.ofHours(1), 0.5, 0, Clock.systemUTC(), 0);
    source.start();
    timer.runNext();
    RSAPublicKey key = (RSAPublicKey) new JcaPKCS10CertificationRequest(ca.received.get(0).csr()).getPublicKey();
    assertEquals(2048, key.getModulus().bitLength());
    assertEquals("RSA", source.current().orElseThrow().key().getAlgorithm());
    assertEquals(3600, ca.received.get(0).request().validitySeconds());
  }

  @Test
  void renewsWhenTheGraceRatioPlusJitterOfTheLifetimeIsLeft() throws Exception {
    Instant t0 = Instant.now();
    // The draw +1 moves the ratio by the whole jitter: 0.5 + 0.01 of the lifetime is left at renewal.
    IstioCaSource source = source(new KeyType.Ecdsa("P256"), Duration.ofHours(24), 0.5, 0.01,
        Clock.fixed(t0, ZoneOffset.UTC), 1.0);
    List<IdentityMaterial> told = new CopyOnWriteArrayList<>();
    source.onChange(told::add);
    source.start();
    timer.runNext();
    IdentityMaterial first = source.current().orElseThrow();
    Duration lifetime = Duration.between(t0, first.notAfter());
    Duration renewal = timer.queue.peek().delay();
    assertEquals(lifetime.toMillis() * 0.49, renewal.toMillis(), 1.0);

    timer.runNext(); // the renewal
    IdentityMaterial second = source.current().orElseThrow();
    assertNotEquals(first.leaf(), second.leaf());
    assertNotEquals(first.key(), second.key(), "a new key for each certificate");
    assertEquals(List.of(first, second), told);
    assertEquals(2, ca.received.size());
  }

  @Test
  void aShortLivedCertificateIsRenewedOnTheRealTimerAtHalfItsLife() throws Exception {
    IstioCaSource source = IstioCaSourceTest.realTimer(new IstioCaClient(channel));
    List<IdentityMaterial> told = new CopyOnWriteArrayList<>();
    source.onChange(told::add);
    long start = System.nanoTime();
    source.start();
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (told.size() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(2, told.size(), "renewed within 10 s");
      long elapsedMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
      // 4 s asked, renewed with half of it left: after about 2 s (the CA backdates notBefore by 1 s).
      assertTrue(elapsedMillis >= 1500 && elapsedMillis < 4000, "renewed after " + elapsedMillis + " ms");
    } finally {
      source.close();
    }
  }

  static IstioCaSource realTimer(IstioCaClient client) {
    var config = new dev.outrigger.core.tls.CertificateConfig(false, null, "unused", "cluster.local", "shop", "cart",
        Duration.ofSeconds(4), 0.5, 0, new KeyType.Ecdsa("P256"));
    // start() would begin at once; build it stopped to attach the listener first.
    return new IstioCaSource(client, config.requestedIdentity(), config.keyType(), config.ttl(), config.graceRatio(),
        config.graceRatioJitter(), Clock.systemUTC(), IstioCaSource.threadTimer(),
        new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60)), () -> 0);
  }

  @Test
  void failuresBackOffExponentiallyAreCountedAndKeepTheCurrentCertificate() throws Exception {
    ca.failNext.set(2);
    IstioCaSource source = source(new KeyType.Ecdsa("P256"), Duration.ofHours(24), 0.5, 0, Clock.systemUTC(), 0);
    source.start();
    timer.runNext();
    assertTrue(source.current().isEmpty());
    assertEquals(1, source.failures());
    Duration first = timer.runNext(); // scheduled after failure 1: [0.5, 1] s
    assertTrue(first.toMillis() >= 500 && first.toMillis() <= 1000, first.toString());
    assertEquals(2, source.failures());
    Duration second = timer.runNext(); // after failure 2: [1, 2] s; this one is served
    assertTrue(second.toMillis() >= 1000 && second.toMillis() <= 2000, second.toString());
    IdentityMaterial good = source.current().orElseThrow();
    assertEquals(2, source.failures());

    ca.failNext.set(1);
    timer.runNext(); // the renewal fails
    assertEquals(3, source.failures());
    assertEquals(good, source.current().orElseThrow(), "the still-valid certificate is kept");
    Duration afterSuccess = timer.queue.peek().delay();
    assertTrue(afterSuccess.toMillis() <= 1000, "backoff starts again after a success: " + afterSuccess);
    timer.runNext();
    assertNotEquals(good, source.current().orElseThrow());
  }

  @Test
  void aCertificateForAnotherKeyIsRefused() throws Exception {
    // A client whose CSRs are swapped for another key's: istiod answers for the wrong key.
    IstioCaClient istiod = new IstioCaClient(channel);
    CaClient swapping = (csrPem, validity) -> {
      try {
        return istiod.createCertificate(CertificateRequests.create(new KeyType.Ecdsa("P256"), ASKED).csrPem(), validity);
      } catch (java.security.GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    };
    IstioCaSource wrong = new IstioCaSource(swapping, ASKED, new KeyType.Ecdsa("P256"), Duration.ofHours(1), 0.5, 0,
        Clock.systemUTC(), timer, new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60)), () -> 0);
    wrong.start();
    timer.runNext();
    assertTrue(wrong.current().isEmpty());
    assertEquals(1, wrong.failures());
  }

  @Test
  void rotateDelayIsPilotAgentsRotateTime() {
    Instant created = Instant.parse("2026-01-01T00:00:00Z");
    Instant expires = created.plus(Duration.ofHours(24));
    assertEquals(Duration.ofHours(12), IstioCaSource.rotateDelay(created, expires, 0.5));
    assertEquals(Duration.ofHours(18), IstioCaSource.rotateDelay(created, expires, 0.25));
    assertEquals(Duration.ZERO, IstioCaSource.rotateDelay(created, expires, 1.2), "clamped to 1: now");
    assertEquals(Duration.ofHours(24), IstioCaSource.rotateDelay(created, expires, -0.1), "clamped to 0");
  }
}
