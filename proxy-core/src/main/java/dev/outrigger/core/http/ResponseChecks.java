package dev.outrigger.core.http;

import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Optional;

/**
 * Whether an upstream response head may be relayed. What Envoy's upstream codec refuses — a head
 * Netty could not parse, a version other than HTTP/1.x, too many headers, a transfer coding other
 * than chunked — ends as an upstream protocol error (503 UPE), never as a relayed guess.
 */
final class ResponseChecks {
  private ResponseChecks() {}

  /** Why this part of an upstream response (its head, or a piece of its body) cannot be relayed, or empty. */
  static Optional<String> problem(HttpObject part, HttpSettings settings) {
    if (part.decoderResult().isFailure()) {
      return Optional.of(String.valueOf(part.decoderResult().cause().getMessage()));
    }
    if (!(part instanceof HttpResponse response)) {
      return Optional.empty();
    }
    HttpVersion version = response.protocolVersion();
    if (!version.equals(HttpVersion.HTTP_1_1) && !version.equals(HttpVersion.HTTP_1_0)) {
      return Optional.of("response version " + version.text());
    }
    if (response.headers().size() > settings.maxHeadersCount()) {
      return Optional.of("more than " + settings.maxHeadersCount() + " response headers");
    }
    if (!Http1RequestChecks.onlyChunked(response.headers())) {
      return Optional.of("a transfer coding other than chunked");
    }
    return Optional.empty();
  }
}
