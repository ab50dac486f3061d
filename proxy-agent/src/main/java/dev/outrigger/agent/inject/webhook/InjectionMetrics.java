package dev.outrigger.agent.inject.webhook;

import dev.outrigger.core.telemetry.PrometheusText;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The injector's counters, with the names and meanings of Istio's injection webhook
 * (pkg/kube/inject/monitoring.go), so that dashboards and alerts written for istiod's injector
 * read Outrigger's: every AdmissionReview is a request, and ends as a success (patched), a skip
 * (admitted unchanged: opted out, hostNetwork, another template, not a pod) or a failure (refused,
 * or not an AdmissionReview). Served at GET /metrics on the webhook's port.
 */
final class InjectionMetrics {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter requests = counter("sidecar_injection_requests_total", "Total number of sidecar injection requests.");
  private final Counter successes = counter("sidecar_injection_success_total",
      "Total number of successful sidecar injection requests.");
  private final Counter failures = counter("sidecar_injection_failure_total",
      "Total number of failed sidecar injection requests.");
  private final Counter skips = counter("sidecar_injection_skip_total", "Total number of skipped sidecar injection requests.");

  private Counter counter(String name, String help) {
    return Counter.builder().name(name).help(help).withoutExemplars().register(registry);
  }

  void request() {
    requests.inc();
  }

  void success() {
    successes.inc();
  }

  void failure() {
    failures.inc();
  }

  void skip() {
    skips.inc();
  }

  /** The Prometheus text exposition. */
  byte[] text() {
    return PrometheusText.write(false, false, registry);
  }
}
