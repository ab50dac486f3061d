package dev.outrigger.core.http;

import dev.outrigger.core.tls.DownstreamTls;
import dev.outrigger.core.tls.ForwardedClientCert;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** The header changes Istio's sidecar makes on the way up and the way back. */
final class ProxyHeaders {
  static final String REQUEST_ID = "x-request-id";
  static final String ATTEMPT_COUNT = "x-envoy-attempt-count";
  static final String UPSTREAM_SERVICE_TIME = "x-envoy-upstream-service-time";
  static final String FORWARDED_CLIENT_CERT = "x-forwarded-client-cert";
  /**
   * Headers a Connection header can never remove: the body's framing and the request's target are
   * decided by the proxy from what it decoded, never by a header the sender nominates.
   */
  private static final Set<String> NOT_HOP_BY_HOP = Set.of("content-length", "transfer-encoding", "host");

  private ProxyHeaders() {}

  /**
   * Request going upstream: hop-by-hop headers out first (so that none of the headers set here can
   * be nominated away), a client's own XFCC out, then id, attempt count, forwarded proto, trace span.
   */
  static void prepareRequest(HttpHeaders h, HttpSettings settings, boolean upgrade, DownstreamTls tls) {
    removeHopByHop(h, upgrade);
    if (tls == null || tls.peer() == null) {
      // No client certificate on this connection, so a client's own claim is dropped (Envoy's
      // SANITIZE / APPEND_FORWARD without a peer certificate): an app that trusts XFCC is not lied to.
      h.remove(FORWARDED_CLIENT_CERT);
    } else {
      // A verified mesh client: Istio's APPEND_FORWARD, the client's identity after what it forwarded.
      h.set(FORWARDED_CLIENT_CERT, ForwardedClientCert.appendForward(h.get(FORWARDED_CLIENT_CERT), tls));
    }
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
  }

  /** Response going downstream: hop-by-hop headers out, the proxy's timing in. */
  static void prepareResponse(HttpMessage response, long serviceTimeMillis, boolean upgrade) {
    removeHopByHop(response.headers(), upgrade);
    response.headers().set(UPSTREAM_SERVICE_TIME, Long.toString(serviceTimeMillis));
  }

  /**
   * RFC 9110 section 7.6.1: Connection and the headers it names, Keep-Alive, Proxy-Connection, TE and
   * Upgrade concern one hop only. TE stays as "trailers" when it offers trailers (Envoy keeps it: gRPC
   * needs it). Transfer-Encoding stays, written as the one coding the proxy relays ("chunked"). An
   * upgrade keeps Connection: upgrade and Upgrade, since the upstream must see them.
   */
  static void removeHopByHop(HttpHeaders h, boolean upgrade) {
    if (h.contains(HttpHeaderNames.CONNECTION)) {
      removeNamedByConnection(h, upgrade);
    }
    h.remove(HttpHeaderNames.KEEP_ALIVE);
    h.remove("proxy-connection");
    h.remove("http2-settings");
    boolean trailers = offersTrailers(h);
    h.remove(HttpHeaderNames.TE);
    if (trailers) {
      h.set(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS);
    }
    if (upgrade) {
      h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
    } else {
      h.remove(HttpHeaderNames.CONNECTION);
      h.remove(HttpHeaderNames.UPGRADE);
    }
    if (h.containsValue(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED, true)) {
      h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
  }

  private static boolean offersTrailers(HttpHeaders h) {
    for (String value : h.getAll(HttpHeaderNames.TE)) {
      for (String token : value.split(",")) {
        if (token.trim().equalsIgnoreCase("trailers")) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The headers the Connection header lists are hop-by-hop too (most requests have none), except
   * the ones the proxy decides itself ({@link #NOT_HOP_BY_HOP}).
   */
  private static void removeNamedByConnection(HttpHeaders h, boolean upgrade) {
    List<String> named = new ArrayList<>();
    for (String value : h.getAll(HttpHeaderNames.CONNECTION)) {
      for (String token : value.split(",")) {
        String t = token.trim();
        if (!t.isEmpty() && !(upgrade && HttpHeaderValues.UPGRADE.contentEqualsIgnoreCase(t))
            && !NOT_HOP_BY_HOP.contains(t.toLowerCase(Locale.ROOT))) {
          named.add(t);
        }
      }
    }
    named.forEach(h::remove);
  }

  /**
   * Connection: upgrade with an Upgrade header (WebSocket and friends). An upgrade to h2c is not
   * one: like Envoy, the proxy serves such a request as plain HTTP/1.1 and drops the upgrade.
   */
  static boolean isUpgrade(HttpHeaders h) {
    String protocol = h.get(HttpHeaderNames.UPGRADE);
    return protocol != null && !protocol.trim().equalsIgnoreCase("h2c")
        && h.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
  }
}
