package dev.outrigger.core.http;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.concurrent.ThreadLocalRandom;

/**
 * B3 and W3C trace headers for one hop, as Envoy's Zipkin tracer writes them in Istio: the trace
 * id is kept (or created, 128-bit), this hop gets a new span id, and the caller's span becomes
 * the parent. Both header families carry the same ids so either kind of app can continue them.
 */
final class TraceContext {
  static final String TRACE_ID = "x-b3-traceid";
  static final String SPAN_ID = "x-b3-spanid";
  static final String PARENT_SPAN_ID = "x-b3-parentspanid";
  static final String SAMPLED = "x-b3-sampled";
  static final String TRACEPARENT = "traceparent";

  private TraceContext() {}

  /** Rewrites the request's trace headers for a new span of this hop. */
  static void newSpan(HttpHeaders headers, double samplingPercent) {
    String traceId = headers.get(TRACE_ID);
    String parent = headers.get(SPAN_ID);
    String sampled = headers.get(SAMPLED);
    String traceparent = headers.get(TRACEPARENT);
    if (traceId == null && traceparent != null && isTraceparent(traceparent)) {
      traceId = traceparent.substring(3, 35);
      parent = traceparent.substring(36, 52);
      sampled = traceparent.endsWith("01") ? "1" : "0";
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    if (traceId == null || !isHex(traceId)) {
      traceId = hex(random.nextLong()) + hex(random.nextLong());
      parent = null;
      sampled = null;
    }
    if (sampled == null) {
      sampled = random.nextDouble() * 100 < samplingPercent ? "1" : "0";
    }
    String spanId = hex(random.nextLong());
    headers.set(TRACE_ID, traceId);
    headers.set(SPAN_ID, spanId);
    if (parent != null) {
      headers.set(PARENT_SPAN_ID, parent);
    } else {
      headers.remove(PARENT_SPAN_ID);
    }
    headers.set(SAMPLED, sampled);
    String w3cTrace = traceId.length() == 32 ? traceId : "0000000000000000" + traceId;
    headers.set(TRACEPARENT, "00-" + w3cTrace + "-" + spanId + "-" + ("1".equals(sampled) ? "01" : "00"));
  }

  private static boolean isTraceparent(String v) {
    return v.length() == 55 && v.startsWith("00-") && v.charAt(35) == '-' && v.charAt(52) == '-';
  }

  private static boolean isHex(String v) {
    if (v.length() != 16 && v.length() != 32) {
      return false;
    }
    for (int i = 0; i < v.length(); i++) {
      if (Character.digit(v.charAt(i), 16) < 0) {
        return false;
      }
    }
    return true;
  }

  static String hex(long value) {
    String s = Long.toHexString(value);
    return "0000000000000000".substring(s.length()) + s;
  }
}
