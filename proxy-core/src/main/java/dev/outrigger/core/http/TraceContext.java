package dev.outrigger.core.http;

import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
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

  private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.ISO_8859_1);

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
      traceId = hex(random.nextLong(), random.nextLong());
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
    StringBuilder w3c = new StringBuilder(55).append("00-");
    if (traceId.length() == 16) {
      w3c.append("0000000000000000");
    }
    w3c.append(traceId).append('-').append(spanId).append("1".equals(sampled) ? "-01" : "-00");
    headers.set(TRACEPARENT, w3c.toString());
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

  /** Sixteen lower-case hex digits, zero-padded: one allocation per id on the request path. */
  static String hex(long value) {
    byte[] digits = new byte[16];
    fill(digits, 0, value);
    return new String(digits, StandardCharsets.ISO_8859_1);
  }

  /** A 128-bit id as 32 hex digits. */
  static String hex(long high, long low) {
    byte[] digits = new byte[32];
    fill(digits, 0, high);
    fill(digits, 16, low);
    return new String(digits, StandardCharsets.ISO_8859_1);
  }

  private static void fill(byte[] digits, int offset, long value) {
    for (int i = offset + 15; i >= offset; i--) {
      digits[i] = HEX_DIGITS[(int) (value & 0xf)];
      value >>>= 4;
    }
  }
}
