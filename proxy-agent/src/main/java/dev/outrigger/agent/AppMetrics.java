package dev.outrigger.agent;

import dev.outrigger.agent.TelemetryConfig.AppMetricsTarget;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Fetches the app's own metrics for the merged scrape, as Istio's agent does: from this pod's
 * loopback, passing on Prometheus's Accept, User-Agent and scrape-timeout headers, within the
 * timeout. The JDK client does the I/O on its own threads; no event loop waits.
 */
final class AppMetrics {
  static final String SCRAPE_TIMEOUT_HEADER = "X-Prometheus-Scrape-Timeout-Seconds";
  private static final List<String> PASSED_ON = List.of("Accept", "User-Agent", SCRAPE_TIMEOUT_HEADER);

  /** What the app answered: its body and content type (which tells text format from OpenMetrics). */
  record Scrape(String body, String contentType) {}

  private final URI uri;
  private final Duration timeout;
  private final HttpClient client;

  AppMetrics(AppMetricsTarget target, Duration timeout) {
    this.uri = URI.create("http://127.0.0.1:" + target.port() + target.path());
    this.timeout = timeout;
    // HTTP/1.1 only: the JDK would otherwise offer the app an h2c upgrade.
    this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
  }

  URI uri() {
    return uri;
  }

  /** The app's metrics, or a failure: refused, timed out, or a status other than 200. */
  CompletableFuture<Scrape> fetch(HttpHeaders prometheusRequest) {
    Duration limit = limit(prometheusRequest.get(SCRAPE_TIMEOUT_HEADER));
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(limit).GET();
    for (String name : PASSED_ON) {
      String value = prometheusRequest.get(name);
      if (value != null) {
        request.header(name, value);
      }
    }
    return client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
        .orTimeout(limit.toMillis(), TimeUnit.MILLISECONDS)
        .thenApply(response -> {
          if (response.statusCode() != 200) {
            throw new IllegalStateException("status " + response.statusCode());
          }
          return new Scrape(response.body(), response.headers().firstValue("Content-Type").orElse(""));
        });
  }

  /** Prometheus says how long it waits (seconds, fractions allowed); never longer than configured. */
  private Duration limit(String header) {
    if (header == null) {
      return timeout;
    }
    try {
      Duration asked = Duration.ofNanos((long) (Double.parseDouble(header.trim()) * 1e9));
      return asked.isNegative() || asked.isZero() || asked.compareTo(timeout) > 0 ? timeout : asked;
    } catch (NumberFormatException e) {
      return timeout;
    }
  }
}
