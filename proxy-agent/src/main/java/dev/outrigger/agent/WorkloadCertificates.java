package dev.outrigger.agent;

import dev.outrigger.core.tls.CertificateConfig;
import dev.outrigger.core.tls.CertificateSource;
import dev.outrigger.core.tls.FileCertificateSource;
import dev.outrigger.core.tls.IdentityMaterial;
import dev.outrigger.core.tls.TlsContexts;
import dev.outrigger.xds.XdsChannels;
import dev.outrigger.xds.ca.IstioCaClient;
import dev.outrigger.xds.ca.IstioCaSource;
import io.grpc.ManagedChannel;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The workload certificate's source (files or istiod's CA), its TLS contexts, and what it shows:
 * readiness, /stats and Prometheus gauges. Key material is never shown: the certificate's
 * fingerprint, identity and expiry only.
 */
final class WorkloadCertificates implements AutoCloseable {
  private final CertificateSource source;
  private final TlsContexts contexts;
  private final String origin;
  private final ManagedChannel caChannel;
  private final Clock clock;
  private final AtomicLong rotations = new AtomicLong();

  private WorkloadCertificates(CertificateSource source, String origin, ManagedChannel caChannel, Clock clock) {
    this.source = source;
    this.origin = origin;
    this.caChannel = caChannel;
    this.clock = clock;
    this.contexts = new TlsContexts(source);
    AtomicReference<IdentityMaterial> last = new AtomicReference<>(source.current().orElse(null));
    source.onChange(identity -> {
      if (last.getAndSet(identity) != null) {
        rotations.incrementAndGet();
      }
    });
  }

  /** Starts reading or asking for the certificate; empty when the configuration has no source. */
  static Optional<WorkloadCertificates> start(MeshTlsConfig mtls, Optional<XdsConfig> xds) throws IOException {
    if (mtls.certificates().isEmpty()) {
      return Optional.empty();
    }
    CertificateConfig certs = mtls.certificates().get();
    if (certs.fileMounted()) {
      return Optional.of(new WorkloadCertificates(FileCertificateSource.start(certs.files(), MeshTlsConfig.FILE_POLL_INTERVAL),
          "files in " + certs.files().chain().getParent(), null, Clock.systemUTC()));
    }
    XdsConfig x = xds.orElseThrow();
    ManagedChannel channel = mtls.caPlaintext() ? XdsChannels.plaintext(certs.caAddress())
        : XdsChannels.istiod(certs.caAddress(), x.authority(), x.rootCert(), x.tokenFile(), x.clusterId());
    return Optional.of(new WorkloadCertificates(IstioCaSource.start(new IstioCaClient(channel), certs),
        "istiod CA " + certs.caAddress(), channel, Clock.systemUTC()));
  }

  TlsContexts contexts() {
    return contexts;
  }

  /** A certificate is there and valid now: what readiness needs (as Envoy's listeners wait for their SDS secrets). */
  boolean valid() {
    return source.current().map(id -> clock.instant().isBefore(id.notAfter())).orElse(false);
  }

  /** Why {@link #valid()} is false, for the readiness body. */
  String notReadyReason() {
    Optional<IdentityMaterial> id = source.current();
    if (id.isEmpty()) {
      return "no workload certificate yet from " + origin + " (" + source.failures() + " failed attempts)";
    }
    return "the workload certificate expired at " + id.get().notAfter() + " (" + origin + ")";
  }

  Map<String, Object> snapshot() {
    Map<String, Object> stats = new LinkedHashMap<>();
    Optional<IdentityMaterial> id = source.current();
    stats.put("workload_cert.source", origin);
    stats.put("workload_cert.present", id.isPresent() ? 1 : 0);
    id.ifPresent(identity -> {
      stats.put("workload_cert.not_after", identity.notAfter().toString());
      stats.put("workload_cert.sha256", fingerprint(identity));
      // Envoy's gauge over its certificates; ours is the one workload certificate.
      stats.put("server.days_until_first_cert_expiring", secondsLeft(identity) / TimeUnit.DAYS.toSeconds(1));
    });
    stats.put("workload_cert.rotations_total", rotations.get());
    stats.put("workload_cert.failures_total", source.failures());
    return stats;
  }

  /** pilot-agent's gauge (istio_agent_cert_expiry_seconds on its port) and the failures and rotations. */
  void register(PrometheusRegistry registry) {
    GaugeWithCallback.builder()
        .name("outrigger_cert_expiry_seconds")
        .help("Seconds before the workload certificate expires (negative: expired); absent before the first")
        .labelNames("resource_name")
        .callback(cb -> source.current().ifPresent(id -> cb.call(secondsLeft(id), "default")))
        .register(registry);
    CounterWithCallback.builder()
        .name("outrigger_cert_failures")
        .help("Attempts to get a workload certificate (CA calls, file reads) that failed; the current one stays")
        .callback(cb -> cb.call(source.failures()))
        .register(registry);
    CounterWithCallback.builder()
        .name("outrigger_cert_rotations")
        .help("Workload certificates taken into use after the first")
        .callback(cb -> cb.call(rotations.get()))
        .register(registry);
  }

  private long secondsLeft(IdentityMaterial identity) {
    return Duration.between(clock.instant(), identity.notAfter()).toSeconds();
  }

  static String fingerprint(IdentityMaterial identity) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(identity.leaf().getEncoded()));
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      return "unavailable: " + e.getMessage();
    }
  }

  @Override
  public void close() {
    source.close();
    if (caChannel != null) {
      caChannel.shutdownNow();
    }
  }
}
