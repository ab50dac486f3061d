package dev.outrigger.it.xds;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.outrigger.it.xds.IstioMtlsShapes.InboundPort;
import dev.outrigger.it.xds.IstioMtlsShapes.PeerAuthentication;
import dev.outrigger.it.xds.IstioMtlsShapes.PortProtocol;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The mTLS shapes against values read off a real sidecar's config dump and filterchain_options.go. */
class IstioMtlsShapesTest {
  @Test
  void sniIsIstiodsSubsetKey() {
    // The dump's cluster: "sni": "outbound_.9080_.v1_.productpage.default.svc.cluster.local".
    assertEquals("outbound_.9080_.v1_.productpage.default.svc.cluster.local", IstioMtlsShapes.outboundSni(9080, "v1", "productpage"));
    assertEquals("outbound_.8080_._.httpbin.default.svc.cluster.local", IstioMtlsShapes.outboundSni(8080, "", "httpbin"));
  }

  @Test
  void eachModeHasItsChains() {
    assertEquals(List.of("tls []"), describe(new InboundPort(8080, PortProtocol.HTTP, PeerAuthentication.STRICT, "a")));
    assertEquals(List.of("tls [istio, istio-peer-exchange, istio-http/1.0, istio-http/1.1, istio-h2]", "raw_buffer []"),
        describe(new InboundPort(8080, PortProtocol.HTTP, PeerAuthentication.PERMISSIVE, "a")));
    assertEquals(List.of("tls [istio, istio-peer-exchange, istio-http/1.0, istio-http/1.1, istio-h2]", "raw_buffer []", "tls []"),
        describe(new InboundPort(9000, PortProtocol.TCP, PeerAuthentication.PERMISSIVE, "a")));
    assertEquals(List.of("raw_buffer []"), describe(new InboundPort(9000, PortProtocol.TCP, PeerAuthentication.DISABLE, "a")));
  }

  private static List<String> describe(InboundPort port) {
    return IstioMtlsShapes.inboundChains(port).stream()
        .map(FilterChain::getFilterChainMatch)
        .map(m -> m.getTransportProtocol() + " " + m.getApplicationProtocolsList())
        .toList();
  }
}
