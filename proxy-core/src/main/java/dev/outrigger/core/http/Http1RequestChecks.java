package dev.outrigger.core.http;

import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The checks Envoy's HTTP/1 codec makes on a request head beyond what Netty's decoder makes, and
 * the reply each failure gets. A request that passes leaves here in origin form, with one Host.
 */
final class Http1RequestChecks {
  /** Envoy's MAX_ALLOWED_NOMINATED_HEADERS: ten or more Connection tokens are refused. */
  private static final int MAX_CONNECTION_TOKENS = 10;
  /** Nominating these would hide where the request came from (Envoy refuses them too). */
  private static final Set<String> NEVER_NOMINATED = Set.of("x-forwarded-for", "x-forwarded-host", "x-forwarded-proto");

  private Http1RequestChecks() {}

  /** The reply for a request the proxy refuses, or empty; normalizes an absolute-form target. */
  static Optional<LocalReply> check(HttpRequest request, HttpSettings settings) {
    HttpHeaders h = request.headers();
    if (request.decoderResult().isFailure()) {
      return Optional.of(forDecoderFailure(request));
    }
    HttpVersion version = request.protocolVersion();
    if (!version.equals(HttpVersion.HTTP_1_1) && !version.equals(HttpVersion.HTTP_1_0)) {
      return Optional.of(LocalReply.badRequest());
    }
    if (h.size() > settings.maxHeadersCount()) {
      return Optional.of(LocalReply.tooManyHeaders());
    }
    if (!onlyChunked(h)) {
      return Optional.of(LocalReply.invalidTransferEncoding());
    }
    List<String> hosts = h.getAll(HttpHeaderNames.HOST);
    if (hosts.size() > 1) {
      return Optional.of(LocalReply.badRequest());
    }
    if (hosts.isEmpty() && version.equals(HttpVersion.HTTP_1_1)) {
      return Optional.of(LocalReply.missingHost());
    }
    if (!connectionTokensAllowed(h)) {
      return Optional.of(LocalReply.connectionHeaderRejected());
    }
    return toOriginForm(request) ? Optional.empty() : Optional.of(LocalReply.invalidUrl());
  }

  private static LocalReply forDecoderFailure(HttpRequest request) {
    if (request.decoderResult().cause() instanceof TooLongFrameException) {
      return LocalReply.headersTooLarge();
    }
    // Netty fails "gzip" or "identity" codings as malformed; Envoy answers any coding but chunked with 501.
    if (request.headers().contains(HttpHeaderNames.TRANSFER_ENCODING) && !onlyChunked(request.headers())) {
      return LocalReply.invalidTransferEncoding();
    }
    return LocalReply.badRequest();
  }

  /** No Transfer-Encoding, or exactly one "chunked": the only coding Envoy (and we) decode. */
  static boolean onlyChunked(HttpHeaders h) {
    List<String> codings = h.getAll(HttpHeaderNames.TRANSFER_ENCODING);
    return codings.isEmpty()
        || codings.size() == 1 && HttpHeaderValues.CHUNKED.contentEqualsIgnoreCase(codings.get(0).trim());
  }

  private static boolean connectionTokensAllowed(HttpHeaders h) {
    int tokens = 0;
    for (String value : h.getAll(HttpHeaderNames.CONNECTION)) {
      for (String token : value.split(",", -1)) {
        String t = token.trim().toLowerCase(Locale.ROOT);
        if (++tokens >= MAX_CONNECTION_TOKENS || t.startsWith(":") || NEVER_NOMINATED.contains(t)) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * RFC 9112 section 3.2.2: with an absolute-form target the Host header is replaced by the
   * target's authority. Only "http" is meaningful on a plaintext listener (Envoy refuses "https in
   * the clear" and other schemes).
   *
   * @return false if the target is an absolute URI the proxy refuses
   */
  private static boolean toOriginForm(HttpRequest request) {
    String uri = request.uri();
    if (uri.startsWith("/") || uri.equals("*")) {
      return true;
    }
    int schemeEnd = uri.indexOf("://");
    if (schemeEnd <= 0 || !uri.substring(0, schemeEnd).equalsIgnoreCase("http")) {
      return false;
    }
    int authorityStart = schemeEnd + 3;
    int authorityEnd = authorityStart;
    while (authorityEnd < uri.length() && "/?#".indexOf(uri.charAt(authorityEnd)) < 0) {
      authorityEnd++;
    }
    String authority = uri.substring(authorityStart, authorityEnd);
    if (authority.isEmpty() || authority.indexOf('@') >= 0) {
      return false; // no host, or user info: nothing Envoy would route
    }
    String rest = uri.substring(authorityEnd);
    request.setUri(rest.startsWith("/") ? rest : "/" + rest);
    request.headers().set(HttpHeaderNames.HOST, authority);
    return true;
  }
}
