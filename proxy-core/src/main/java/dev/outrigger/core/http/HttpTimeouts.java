package dev.outrigger.core.http;

import java.time.Duration;

/**
 * The timers of detection and of HTTP requests; zero turns one off. (The connection idle timeout
 * is the listener's, {@code ProxySettings.idleTimeout}, for every kind of connection.)
 *
 * @param protocolDetection longest wait for the first bytes to name the protocol, after which the
 *     connection goes on as TCP, as Envoy's listener_filters_timeout with Istio's
 *     continue_on_listener_filters_timeout. Istio's default since 1.8: 0, none, because a timeout
 *     turns slow HTTP clients into TCP; a silent connection is still closed by the idle timeout
 * @param requestHeaders longest time from a request's first byte to the end of its headers, then
 *     408 (Envoy's request_headers_timeout, which Envoy and Istio leave off). On by default so
 *     that a client trickling a request head cannot hold a connection: 10 s is far more than any
 *     real client in a pod network needs to send at most 60 KiB of headers
 * @param streamIdle longest time a request may see no activity either way: then 408 (504 when the
 *     request was complete) before the response started, else a reset (Envoy's
 *     stream_idle_timeout, 5 min, which Istio keeps)
 */
public record HttpTimeouts(Duration protocolDetection, Duration requestHeaders, Duration streamIdle) {

  public HttpTimeouts {
    requireNonNegative("protocolDetection", protocolDetection);
    requireNonNegative("requestHeaders", requestHeaders);
    requireNonNegative("streamIdle", streamIdle);
  }

  public static HttpTimeouts defaults() {
    return new HttpTimeouts(Duration.ZERO, Duration.ofSeconds(10), Duration.ofMinutes(5));
  }

  private static void requireNonNegative(String name, Duration value) {
    if (value == null || value.isNegative()) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: >= 0, 0 = none)");
    }
  }
}
