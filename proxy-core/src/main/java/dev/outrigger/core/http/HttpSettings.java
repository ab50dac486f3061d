package dev.outrigger.core.http;

import java.time.Duration;
import java.util.Set;

/**
 * Settings of protocol detection and the HTTP path.
 *
 * @param detection sniff client bytes and proxy HTTP as HTTP; off relays everything at L4
 * @param serverFirstPorts ports relayed at L4 at once, without waiting for the client to speak
 * @param routeTimeout longest wait for a complete response; zero disables it (Istio's default)
 * @param maxRequestHeaderBytes request line and headers above this get 431 (Envoy: 60 KiB)
 * @param tracing add and propagate B3 and W3C trace headers, a new span per hop
 * @param traceSamplingPercent share of new traces marked sampled (Istio's default: 1%)
 * @param upstreamIdleTimeout an idle pooled upstream connection is closed after this
 * @param maxHeadersCount requests with more header fields get 431, responses with more are a
 *     protocol error (Envoy's max_headers_count: 100)
 * @param maxResponseHeaderBytes a larger upstream response head is a protocol error (by default
 *     the request limit)
 * @param timeouts detection, request-headers and stream idle timeouts
 */
public record HttpSettings(
    boolean detection,
    Set<Integer> serverFirstPorts,
    Duration routeTimeout,
    int maxRequestHeaderBytes,
    boolean tracing,
    double traceSamplingPercent,
    Duration upstreamIdleTimeout,
    int maxHeadersCount,
    int maxResponseHeaderBytes,
    HttpTimeouts timeouts) {

  /** SMTP, DNS, MySQL, MongoDB: the ports Istio treats as server-first (application-requirements). */
  public static final Set<Integer> ISTIO_SERVER_FIRST_PORTS = Set.of(25, 53, 3306, 27017);

  /** Envoy's max_request_headers_kb default. */
  public static final int DEFAULT_MAX_HEADER_BYTES = 60 * 1024;
  /** Envoy's max_headers_count default. */
  public static final int DEFAULT_MAX_HEADERS_COUNT = 100;

  public HttpSettings {
    serverFirstPorts = Set.copyOf(serverFirstPorts);
    if (routeTimeout == null || routeTimeout.isNegative()) {
      throw new IllegalArgumentException("routeTimeout: " + routeTimeout + " (expected: >= 0, 0 = none)");
    }
    if (maxRequestHeaderBytes < 1024) {
      throw new IllegalArgumentException("maxRequestHeaderBytes: " + maxRequestHeaderBytes + " (expected: >= 1024)");
    }
    if (!(traceSamplingPercent >= 0 && traceSamplingPercent <= 100)) {
      throw new IllegalArgumentException("traceSamplingPercent: " + traceSamplingPercent + " (expected: 0-100)");
    }
    if (upstreamIdleTimeout == null || upstreamIdleTimeout.isNegative() || upstreamIdleTimeout.isZero()) {
      throw new IllegalArgumentException("upstreamIdleTimeout: " + upstreamIdleTimeout + " (expected: > 0)");
    }
    if (maxHeadersCount < 1) {
      throw new IllegalArgumentException("maxHeadersCount: " + maxHeadersCount + " (expected: >= 1)");
    }
    if (maxResponseHeaderBytes < 1024) {
      throw new IllegalArgumentException("maxResponseHeaderBytes: " + maxResponseHeaderBytes + " (expected: >= 1024)");
    }
    if (timeouts == null) {
      throw new IllegalArgumentException("timeouts: null (expected: HttpTimeouts.defaults() or others)");
    }
  }

  /** These settings with other detection, request-headers and stream idle timeouts. */
  public HttpSettings withTimeouts(HttpTimeouts value) {
    return new HttpSettings(detection, serverFirstPorts, routeTimeout, maxRequestHeaderBytes, tracing,
        traceSamplingPercent, upstreamIdleTimeout, maxHeadersCount, maxResponseHeaderBytes, value);
  }

  public static HttpSettings defaults() {
    return new HttpSettings(true, ISTIO_SERVER_FIRST_PORTS, Duration.ZERO, DEFAULT_MAX_HEADER_BYTES, true, 1.0,
        Duration.ofSeconds(60), DEFAULT_MAX_HEADERS_COUNT, DEFAULT_MAX_HEADER_BYTES, HttpTimeouts.defaults());
  }

  public boolean isServerFirst(int port) {
    return serverFirstPorts.contains(port);
  }

  /** These settings with protocol detection on or off (tests use it to get an L4-only proxy). */
  public HttpSettings withDetection(boolean on) {
    return new HttpSettings(on, serverFirstPorts, routeTimeout, maxRequestHeaderBytes, tracing, traceSamplingPercent,
        upstreamIdleTimeout, maxHeadersCount, maxResponseHeaderBytes, timeouts);
  }

  /** These settings with another route timeout. */
  public HttpSettings withRouteTimeout(Duration timeout) {
    return new HttpSettings(detection, serverFirstPorts, timeout, maxRequestHeaderBytes, tracing, traceSamplingPercent,
        upstreamIdleTimeout, maxHeadersCount, maxResponseHeaderBytes, timeouts);
  }
}
