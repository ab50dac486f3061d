package dev.outrigger.core.http;

import dev.outrigger.core.route.table.HeaderMutations;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/** How an upstream's final response head is framed for the client, and whether the client connection goes on. */
final class ResponseFraming {
  private ResponseFraming() {}

  /**
   * Readies a final response head for the client: hop-by-hop headers out and the proxy's timing in,
   * the route's header changes, then the framing (a 101 keeps its upgrade headers and no framing).
   */
  static void forClient(HttpResponse response, DownstreamStream down, long serviceTimeMillis, HeaderMutations routeHeaders) {
    boolean switching = response.status().code() == 101;
    ProxyHeaders.prepareResponse(response, serviceTimeMillis, switching && down.upgrade());
    RouteHeaders.response(response.headers(), routeHeaders);
    if (!switching) {
      frame(response, down);
    }
  }

  /**
   * A close-delimited body (HTTP/1.0 upstream) is chunked for an HTTP/1.1 client, else ends the
   * client connection; Connection is then set to what the client connection will do.
   */
  private static void frame(HttpResponse response, DownstreamStream down) {
    boolean framed = HttpUtil.isContentLengthSet(response) || HttpUtil.isTransferEncodingChunked(response);
    if (!framed && !isBodyless(response, down.request())) {
      if (down.request().protocolVersion().equals(HttpVersion.HTTP_1_1)) {
        response.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
      } else {
        down.endAfterExchange();
      }
    }
    HttpUtil.setKeepAlive(response, down.keepAlive());
  }

  private static boolean isBodyless(HttpResponse response, HttpRequest request) {
    int code = response.status().code();
    return code == 204 || code == 304 || request.method().name().equals("HEAD");
  }
}
