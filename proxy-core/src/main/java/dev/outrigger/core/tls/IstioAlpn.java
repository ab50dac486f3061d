package dev.outrigger.core.tls;

import dev.outrigger.core.route.UpstreamHttpProtocol;
import java.util.List;

/**
 * The ALPN lists Istio's sidecar offers to mesh endpoints. HTTP: the outbound HCM's istio.alpn
 * filter overrides the cluster's list per upstream HTTP version (istio pilot/pkg/xds/filters
 * filters.go: mtlsHTTP10ALPN, mtlsHTTP11ALPN, mtlsHTTP2ALPN), so the server sidecar picks its HTTP
 * filter chain by {@code istio-http/1.1} or {@code istio-h2}. TCP: the cluster's own list, which
 * istiod writes as {@code [istio-peer-exchange, istio]} (plus {@code h2} on HTTP/2 clusters);
 * {@code istio-peer-exchange} is dropped where the cluster is translated, as PILOT_DISABLE_MX_ALPN
 * does, since Outrigger does not speak the metadata-exchange frame that ALPN promises.
 */
public final class IstioAlpn {
  static final List<String> HTTP10 = List.of("istio-http/1.0", "istio", "http/1.0");
  static final List<String> HTTP11 = List.of("istio-http/1.1", "istio", "http/1.1");
  static final List<String> HTTP2 = List.of("istio-h2", "istio", "h2");

  private IstioAlpn() {}

  public static List<String> forHttp(UpstreamHttpProtocol protocol) {
    return switch (protocol) {
      case HTTP10 -> HTTP10;
      case HTTP11 -> HTTP11;
      case HTTP2 -> HTTP2;
    };
  }
}
