package dev.outrigger.agent;

import dev.outrigger.agent.http.AsyncEndpoint;
import dev.outrigger.agent.http.Endpoint;
import dev.outrigger.agent.http.Reply;
import dev.outrigger.core.telemetry.PrometheusText;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Prometheus port (the proxy's own metrics, as Envoy's 15090) and the agent port (the same
 * merged with the app's, as Istio's agent on 15020, where the injector points the pod's
 * prometheus.io annotations). A failed app scrape still answers with the proxy's metrics, counted
 * in {@code istio_agent_scrape_failures_total{type="application"}} and logged.
 */
final class MetricsEndpoints {
  private static final Logger log = LoggerFactory.getLogger(MetricsEndpoints.class);
  private static final String APPLICATION = "application";

  private final PrometheusRegistry proxyMetrics;
  private final PrometheusRegistry agentMetrics = new PrometheusRegistry();
  private final AppMetrics app;
  private final Counter scrapes = Counter.builder().name("istio_agent_scrapes_total")
      .help("Scrapes of the merged metrics").withoutExemplars().register(agentMetrics);
  private final Counter failures = Counter.builder().name("istio_agent_scrape_failures_total")
      .help("Parts of merged scrapes that failed, by type").labelNames("type").withoutExemplars().register(agentMetrics);

  /** @param app where the app's metrics are, or null to serve the proxy's alone */
  MetricsEndpoints(PrometheusRegistry proxyMetrics, AppMetrics app) {
    this.proxyMetrics = proxyMetrics;
    this.app = app;
    if (app != null) {
      failures.initLabelValues(APPLICATION);
    }
  }

  Map<String, Endpoint> prometheusPort() {
    return Map.of("/stats/prometheus", (method, query) -> text(PrometheusText.text(proxyMetrics)));
  }

  /** @param more further endpoints of the agent port (the app probes) */
  Map<String, Endpoint> agentPort(Endpoint readiness, Map<String, ? extends Endpoint> more) {
    AsyncEndpoint merged = (method, query, headers) -> merged(headers);
    Map<String, Endpoint> all = new HashMap<>(more);
    all.putAll(Map.of("/healthz/ready", readiness, "/stats/prometheus", merged, "/metrics", merged));
    return Map.copyOf(all);
  }

  /** The agent port's own counters, served before the proxy's on the merged scrape. */
  PrometheusRegistry agentMetrics() {
    return agentMetrics;
  }

  long scrapes() {
    return (long) scrapes.get();
  }

  long appScrapeFailures() {
    return app == null ? 0 : (long) failures.labelValues(APPLICATION).get();
  }

  private CompletionStage<Reply> merged(HttpHeaders request) {
    scrapes.inc();
    if (app == null) {
      return CompletableFuture.completedFuture(text(PrometheusText.text(agentMetrics, proxyMetrics)));
    }
    return app.fetch(request).handle((scrape, failure) -> {
      if (failure != null) {
        failures.labelValues(APPLICATION).inc();
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        log.warn("app metrics from {} not merged: {}", app.uri(), cause.toString());
        return text(PrometheusText.text(agentMetrics, proxyMetrics));
      }
      // The app's part goes last: an OpenMetrics exposition ends with "# EOF", and ours is
      // written in the app's format so that the whole is one.
      boolean openMetrics = scrape.contentType().toLowerCase(Locale.ROOT).startsWith("application/openmetrics-text");
      String ours = new String(PrometheusText.write(openMetrics, true, agentMetrics, proxyMetrics), StandardCharsets.UTF_8);
      String contentType = openMetrics ? PrometheusText.OPENMETRICS_CONTENT_TYPE : PrometheusText.TEXT_CONTENT_TYPE;
      return new Reply(HttpResponseStatus.OK, contentType, ours + scrape.body());
    });
  }

  private static Reply text(String exposition) {
    return new Reply(HttpResponseStatus.OK, PrometheusText.TEXT_CONTENT_TYPE, exposition);
  }
}
