package dev.outrigger.agent;

import dev.outrigger.core.http.HttpSettings;
import dev.outrigger.core.http.HttpTimeouts;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/** The HTTP path's environment keys, parsed into {@link HttpSettings}. */
final class HttpConfig {
  static final String PROTOCOL_DETECTION = "OUTRIGGER_PROTOCOL_DETECTION";
  static final String SERVER_FIRST_PORTS = "OUTRIGGER_SERVER_FIRST_PORTS";
  static final String ROUTE_TIMEOUT = "OUTRIGGER_ROUTE_TIMEOUT";
  static final String MAX_REQUEST_HEADERS_KB = "OUTRIGGER_MAX_REQUEST_HEADERS_KB";
  static final String TRACING = "OUTRIGGER_TRACING";
  static final String TRACE_SAMPLING = "OUTRIGGER_TRACE_SAMPLING";
  static final String UPSTREAM_IDLE_TIMEOUT = "OUTRIGGER_UPSTREAM_IDLE_TIMEOUT";
  static final String MAX_HEADERS_COUNT = "OUTRIGGER_MAX_HEADERS_COUNT";
  static final String MAX_RESPONSE_HEADERS_KB = "OUTRIGGER_MAX_RESPONSE_HEADERS_KB";
  static final String PROTOCOL_DETECTION_TIMEOUT = "OUTRIGGER_PROTOCOL_DETECTION_TIMEOUT";
  static final String REQUEST_HEADERS_TIMEOUT = "OUTRIGGER_REQUEST_HEADERS_TIMEOUT";
  static final String STREAM_IDLE_TIMEOUT = "OUTRIGGER_STREAM_IDLE_TIMEOUT";

  private HttpConfig() {}

  static HttpSettings fromEnvironment(AgentConfig.Env e) {
    HttpSettings d = HttpSettings.defaults();
    HttpTimeouts t = d.timeouts();
    Set<Integer> serverFirst = new HashSet<>(HttpSettings.ISTIO_SERVER_FIRST_PORTS);
    serverFirst.addAll(e.get(SERVER_FIRST_PORTS, Set.of(), HttpConfig::ports));
    int requestHeadersKb = e.get(MAX_REQUEST_HEADERS_KB, d.maxRequestHeaderBytes() / 1024, HttpConfig::headerKb);
    try {
      return new HttpSettings(
          e.get(PROTOCOL_DETECTION, d.detection(), AgentConfig.Env::onOff),
          serverFirst,
          e.get(ROUTE_TIMEOUT, d.routeTimeout(), AgentConfig.Env::duration),
          requestHeadersKb * 1024,
          e.get(TRACING, d.tracing(), AgentConfig.Env::onOff),
          e.get(TRACE_SAMPLING, d.traceSamplingPercent(), HttpConfig::percent),
          e.get(UPSTREAM_IDLE_TIMEOUT, d.upstreamIdleTimeout(), AgentConfig.Env::positiveDuration),
          e.get(MAX_HEADERS_COUNT, d.maxHeadersCount(), HttpConfig::headersCount),
          e.get(MAX_RESPONSE_HEADERS_KB, requestHeadersKb, HttpConfig::headerKb) * 1024,
          new HttpTimeouts(
              e.get(PROTOCOL_DETECTION_TIMEOUT, t.protocolDetection(), AgentConfig.Env::duration),
              e.get(REQUEST_HEADERS_TIMEOUT, t.requestHeaders(), AgentConfig.Env::duration),
              e.get(STREAM_IDLE_TIMEOUT, t.streamIdle(), AgentConfig.Env::duration)));
    } catch (IllegalArgumentException crossFieldProblem) {
      throw new ConfigException(crossFieldProblem.getMessage());
    }
  }

  private static Set<Integer> ports(String raw) {
    Set<Integer> ports = new HashSet<>();
    for (String p : raw.split(",")) {
      if (!p.isBlank()) {
        int port = AgentConfig.Env.port(p.trim());
        if (port == 0) {
          throw new IllegalArgumentException("'" + raw + "' (expected: comma-separated ports 1-65535)");
        }
        ports.add(port);
      }
    }
    return ports;
  }

  private static int headerKb(String raw) {
    int kb = AgentConfig.Env.positive(raw);
    if (kb > 8192) {
      throw new IllegalArgumentException("'" + raw + "' (expected: 1-8192)");
    }
    return kb;
  }

  private static int headersCount(String raw) {
    int count = AgentConfig.Env.positive(raw);
    if (count > 10_000) {
      throw new IllegalArgumentException("'" + raw + "' (expected: 1-10000)");
    }
    return count;
  }

  private static double percent(String raw) {
    try {
      double p = Double.parseDouble(raw);
      if (p >= 0 && p <= 100) {
        return p;
      }
    } catch (NumberFormatException ignored) {
      // fall through to the message
    }
    throw new IllegalArgumentException("'" + raw + "' (expected: a percentage 0-100)");
  }

  /** For /config_dump: the effective values under their keys. */
  static void describe(HttpSettings h, java.util.Map<String, Object> dump) {
    dump.put(PROTOCOL_DETECTION, h.detection() ? "on" : "off");
    dump.put(SERVER_FIRST_PORTS, new java.util.TreeSet<>(h.serverFirstPorts()));
    dump.put(ROUTE_TIMEOUT, Durations.format(h.routeTimeout()));
    dump.put(MAX_REQUEST_HEADERS_KB, h.maxRequestHeaderBytes() / 1024);
    dump.put(TRACING, h.tracing() ? "on" : "off");
    dump.put(TRACE_SAMPLING, h.traceSamplingPercent());
    dump.put(UPSTREAM_IDLE_TIMEOUT, Durations.format(h.upstreamIdleTimeout()));
    dump.put(MAX_HEADERS_COUNT, h.maxHeadersCount());
    dump.put(MAX_RESPONSE_HEADERS_KB, h.maxResponseHeaderBytes() / 1024);
    dump.put(PROTOCOL_DETECTION_TIMEOUT, Durations.format(h.timeouts().protocolDetection()));
    dump.put(REQUEST_HEADERS_TIMEOUT, Durations.format(h.timeouts().requestHeaders()));
    dump.put(STREAM_IDLE_TIMEOUT, Durations.format(h.timeouts().streamIdle()));
  }
}
