package dev.outrigger.core.route;

/**
 * The HTTP version an exchange speaks to its upstream, as Envoy's router picks it
 * (ClusterInfoImpl::upstreamHttpProtocol): HTTP/2 for an HTTP/2 client, HTTP/1.1 for HTTP/1.1 and
 * for HTTP/1.0 alike, since Envoy has no HTTP/1.0 upstream ("use HTTP11 since HTTP10 upstream is
 * not supported yet"). Istio's istio.alpn filter chooses the upstream's ALPN list by it.
 */
public enum UpstreamHttpProtocol {
  HTTP10,
  HTTP11,
  HTTP2;

  /** What an exchange whose client speaks HTTP/2 ({@code downstreamHttp2}) or HTTP/1.x uses upstream. */
  public static UpstreamHttpProtocol forExchange(boolean downstreamHttp2) {
    return downstreamHttp2 ? HTTP2 : HTTP11;
  }
}
