package dev.outrigger.core.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** The header changes Istio's sidecar makes on the way up and the way back. */
final class ProxyHeaders {
  static final String REQUEST_ID = "x-request-id";
  static final String ATTEMPT_COUNT = "x-envoy-attempt-count";
  static final String UPSTREAM_SERVICE_TIME = "x-envoy-upstream-service-time";

  private ProxyHeaders() {}

  /** Request going upstream: id, attempt count, forwarded proto, trace span, hop-by-hop headers. */
  static void prepareRequest(HttpHeaders h, HttpSettings settings, boolean upgrade) {
    if (!h.contains(REQUEST_ID)) {
      ThreadLocalRandom r = ThreadLocalRandom.current();
      // A version-4 UUID from the thread's generator: unique enough, and no SecureRandom per request.
      h.set(REQUEST_ID, new UUID(r.nextLong() & ~0xF000L | 0x4000L, r.nextLong() & ~(3L << 62) | (1L << 63)).toString());
    }
    h.set(ATTEMPT_COUNT, "1");
    if (!h.contains("x-forwarded-proto")) {
      h.set("x-forwarded-proto", "http");
    }
    if (settings.tracing()) {
      TraceContext.newSpan(h, settings.traceSamplingPercent());
    }
    removeHopByHop(h, upgrade);
  }

  /** Response going downstream: hop-by-hop headers out, the proxy's timing in. */
  static void prepareResponse(HttpMessage response, long serviceTimeMillis, boolean upgrade) {
    removeHopByHop(response.headers(), upgrade);
    response.headers().set(UPSTREAM_SERVICE_TIME, Long.toString(serviceTimeMillis));
  }

  /**
   * RFC 9110 section 7.6.1: Connection and the headers it names, Keep-Alive, Proxy-Connection, TE and
   * Upgrade concern one hop only. Transfer-Encoding stays: the body is relayed in the framing it came in.
   * An upgrade keeps Connection: upgrade and Upgrade, since the upstream must see them.
   */
  static void removeHopByHop(HttpHeaders h, boolean upgrade) {
    if (h.contains(HttpHeaderNames.CONNECTION)) {
      removeNamedByConnection(h, upgrade);
    }
    h.remove(HttpHeaderNames.KEEP_ALIVE);
    h.remove("proxy-connection");
    h.remove(HttpHeaderNames.TE);
    if (upgrade) {
      h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
    } else {
      h.remove(HttpHeaderNames.CONNECTION);
      h.remove(HttpHeaderNames.UPGRADE);
    }
  }

  /** The headers the Connection header lists are hop-by-hop too (most requests have none). */
  private static void removeNamedByConnection(HttpHeaders h, boolean upgrade) {
    List<String> named = new ArrayList<>();
    for (String value : h.getAll(HttpHeaderNames.CONNECTION)) {
      for (String token : value.split(",")) {
        String t = token.trim();
        if (!t.isEmpty() && !(upgrade && HttpHeaderValues.UPGRADE.contentEqualsIgnoreCase(t))) {
          named.add(t);
        }
      }
    }
    named.forEach(h::remove);
  }

  /** Connection: upgrade with an Upgrade header (WebSocket and friends). */
  static boolean isUpgrade(HttpHeaders h) {
    return h.contains(HttpHeaderNames.UPGRADE)
        && h.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
  }
}
