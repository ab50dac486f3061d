package dev.outrigger.xds.ca;

import dev.outrigger.core.tls.CertificateConfig;
import dev.outrigger.core.tls.CertificateSource;
import dev.outrigger.core.tls.IdentityDescription;
import dev.outrigger.core.tls.IdentityMaterial;
import dev.outrigger.core.tls.KeyType;
import dev.outrigger.core.tls.PemIdentity;
import dev.outrigger.core.tls.SpiffeId;
import dev.outrigger.xds.Backoff;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workload's identity from istiod's CA, kept fresh as pilot-agent keeps it
 * (security/pkg/nodeagent/cache SecretManagerClient): a new key and CSR for each certificate,
 * renewal when SECRET_GRACE_PERIOD_RATIO (± SECRET_GRACE_PERIOD_RATIO_JITTER, at random) of the
 * lifetime is left, and on failure a retry with exponential backoff, a log line and
 * {@link #failures()} each time, while {@link #current()} keeps the certificate it has (still
 * valid until its notAfter; open connections are never touched).
 */
public final class IstioCaSource implements CertificateSource {
  private static final Logger log = LoggerFactory.getLogger(IstioCaSource.class);
  /** Outrigger's retry pace for a failed CreateCertificate: 1 s doubling to 1 min, jittered. */
  static final Duration RETRY_BASE = Duration.ofSeconds(1);
  static final Duration RETRY_MAX = Duration.ofMinutes(1);

  /** Runs the issuing on a thread of its own (the call blocks); tests drive it by hand. */
  public interface Timer {
    void schedule(Duration delay, Runnable task);

    void close();
  }

  private final CaClient client;
  private final SpiffeId identity;
  private final KeyType keyType;
  private final Duration ttl;
  private final double graceRatio;
  private final double graceRatioJitter;
  private final Clock clock;
  private final Timer timer;
  private final Backoff backoff;
  /** Uniform in [-1, 1]: the jitter's share and sign. */
  private final DoubleSupplier jitterDraw;
  private final List<Consumer<IdentityMaterial>> listeners = new CopyOnWriteArrayList<>();
  private final AtomicLong failures = new AtomicLong();
  private volatile Optional<IdentityMaterial> current = Optional.empty();
  private volatile boolean closed;

  IstioCaSource(CaClient client, SpiffeId identity, KeyType keyType, Duration ttl, double graceRatio,
      double graceRatioJitter, Clock clock, Timer timer, Backoff backoff, DoubleSupplier jitterDraw) {
    this.client = client;
    this.identity = identity;
    this.keyType = keyType;
    this.ttl = ttl;
    this.graceRatio = graceRatio;
    this.graceRatioJitter = graceRatioJitter;
    this.clock = clock;
    this.timer = timer;
    this.backoff = backoff;
    this.jitterDraw = jitterDraw;
  }

  /** Asks for the first certificate now, on a thread of its own, and renews from then on. */
  public static IstioCaSource start(CaClient client, CertificateConfig config) {
    IstioCaSource source = new IstioCaSource(client, config.requestedIdentity(), config.keyType(), config.ttl(),
        config.graceRatio(), config.graceRatioJitter(), Clock.systemUTC(), threadTimer(),
        new Backoff(RETRY_BASE, RETRY_MAX), () -> ThreadLocalRandom.current().nextDouble(-1, 1));
    source.start();
    return source;
  }

  void start() {
    timer.schedule(Duration.ZERO, this::issue);
  }

  @Override
  public Optional<IdentityMaterial> current() {
    return current;
  }

  @Override
  public void onChange(Consumer<IdentityMaterial> listener) {
    listeners.add(listener);
  }

  /** CreateCertificate calls that failed or returned an unusable chain. */
  @Override
  public long failures() {
    return failures.get();
  }

  @Override
  public void close() {
    closed = true;
    timer.close();
  }

  private void issue() {
    if (closed) {
      return;
    }
    IdentityMaterial material;
    Instant created = clock.instant();
    try {
      CertificateRequests.KeyAndCsr request = CertificateRequests.create(keyType, identity);
      List<String> chain = client.createCertificate(request.csrPem(), ttl);
      material = material(request, chain);
    } catch (GeneralSecurityException | IOException | RuntimeException e) {
      failed(e);
      return;
    }
    backoff.reset();
    boolean first = current.isEmpty();
    current = Optional.of(material);
    Duration renewal = rotateDelay(created, material.notAfter(), graceRatio + graceRatioJitter * jitterDraw.getAsDouble());
    log.info("{} workload certificate from istiod's CA: {}; renewal in {}", first ? "got the" : "renewed the",
        IdentityDescription.of(material), renewal);
    for (Consumer<IdentityMaterial> listener : listeners) {
      try {
        listener.accept(material);
      } catch (RuntimeException e) {
        log.warn("a certificate listener failed on {}", IdentityDescription.of(material), e);
      }
    }
    timer.schedule(renewal, this::issue);
  }

  private void failed(Exception e) {
    if (closed) {
      return;
    }
    failures.incrementAndGet();
    Duration retry = Duration.ofMillis(backoff.nextMillis());
    log.warn("CreateCertificate for {} at istiod's CA failed ({}); retrying in {}; {}", identity, describe(e), retry,
        current.map(m -> "still serving " + IdentityDescription.of(m.leaf())).orElse("no certificate yet"));
    timer.schedule(retry, this::issue);
  }

  /** The chain as istiod sent it (leaf first, root last), the root as the trust anchor; the leaf must be for our key. */
  private static IdentityMaterial material(CertificateRequests.KeyAndCsr request, List<String> pems)
      throws IOException {
    if (pems.isEmpty()) {
      throw new IOException("istiod's CA returned an empty certificate chain");
    }
    List<X509Certificate> chain = PemIdentity.certificates(String.join("\n", pems), "certificate chain from istiod");
    X509Certificate leaf = chain.get(0);
    if (!Arrays.equals(leaf.getPublicKey().getEncoded(), request.keys().getPublic().getEncoded())) {
      throw new IOException("the certificate istiod returned is not for the key of the CSR: "
          + IdentityDescription.of(leaf));
    }
    return new IdentityMaterial(request.keys().getPrivate(), chain, List.of(chain.get(chain.size() - 1)));
  }

  /**
   * pilot-agent's rotateTime: renew when {@code ratio} (clamped to [0, 1]) of the lifetime from
   * {@code created} to {@code expires} is left; now if that is past.
   */
  static Duration rotateDelay(Instant created, Instant expires, double ratio) {
    double r = Math.max(0, Math.min(1, ratio));
    Duration lifetime = Duration.between(created, expires);
    Duration grace = Duration.ofNanos((long) (r * lifetime.toNanos()));
    Duration delay = lifetime.minus(grace);
    return delay.isNegative() ? Duration.ZERO : delay;
  }

  /** One line: the status and the innermost cause, never a stack trace per retry. */
  private static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String top = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return root == e ? top : top + " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
  }

  /** A daemon thread of its own: CreateCertificate blocks, so never an event loop. */
  static Timer threadTimer() {
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "outrigger-istio-ca");
      t.setDaemon(true);
      return t;
    });
    return new Timer() {
      @Override
      public void schedule(Duration delay, Runnable task) {
        try {
          executor.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
          // closed meanwhile: nothing more to issue
        }
      }

      @Override
      public void close() {
        executor.shutdownNow();
      }
    };
  }
}
