package dev.outrigger.agent.dns;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The DNS proxy's counters: Istio's agent metrics (pkg/dns/client/monitoring.go, with the agent's
 * istio_agent_ prefix) and the degraded paths Istio does not count.
 */
public final class DnsStats {
  final Counter requests = Counter.builder().name("istio_agent_dns_requests_total")
      .help("Total number of DNS requests.").withoutExemplars().build();
  final Counter upstreamRequests = Counter.builder().name("istio_agent_dns_upstream_requests_total")
      .help("Total number of DNS requests forwarded to upstream.").withoutExemplars().build();
  final Counter upstreamFailures = Counter.builder().name("istio_agent_dns_upstream_failures_total")
      .help("Total number of DNS failures.").withoutExemplars().build();
  final Histogram upstreamDuration = Histogram.builder().name("istio_agent_dns_upstream_request_duration_seconds")
      .help("Total time in seconds Istio takes to get DNS response from upstream.").withoutExemplars().build();
  /** Per upstream attempt that failed: timeout, refused, error. */
  final Counter upstreamErrors = Counter.builder().name("outrigger_dns_upstream_errors_total")
      .help("Upstream DNS attempts that failed, by reason").labelNames("reason").withoutExemplars().build();
  /** Packets that were not a readable query: answered FORMERR when their id was readable, else dropped. */
  final Counter badQueries = Counter.builder().name("outrigger_dns_bad_queries_total")
      .help("DNS messages that were not a readable query").withoutExemplars().build();
  final Counter localAnswers = Counter.builder().name("outrigger_dns_local_answers_total")
      .help("Queries answered from the mesh's name table").withoutExemplars().build();
  final Counter cacheHits = Counter.builder().name("outrigger_dns_cache_hits_total")
      .help("Queries answered from the cache of upstream replies").withoutExemplars().build();
  /** With xDS, before istiod's first name table: answered SERVFAIL, as Istio's agent does. */
  final Counter notReady = Counter.builder().name("outrigger_dns_not_ready_total")
      .help("Queries answered SERVFAIL before the first name table").withoutExemplars().build();

  public void register(PrometheusRegistry registry) {
    registry.register(requests);
    registry.register(upstreamRequests);
    registry.register(upstreamFailures);
    registry.register(upstreamDuration);
    registry.register(upstreamErrors);
    registry.register(badQueries);
    registry.register(localAnswers);
    registry.register(cacheHits);
    registry.register(notReady);
  }

  public long value(String which) {
    return switch (which) {
      case "requests" -> (long) requests.get();
      case "upstreamRequests" -> (long) upstreamRequests.get();
      case "upstreamFailures" -> (long) upstreamFailures.get();
      case "badQueries" -> (long) badQueries.get();
      case "localAnswers" -> (long) localAnswers.get();
      case "cacheHits" -> (long) cacheHits.get();
      case "notReady" -> (long) notReady.get();
      default -> (long) upstreamErrors.labelValues(which).get();
    };
  }
}
