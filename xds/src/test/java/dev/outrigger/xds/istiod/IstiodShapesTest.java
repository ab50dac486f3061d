package dev.outrigger.xds.istiod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The choices the shared istiod shapes make; their bytes are pinned by the callers' tests. */
class IstiodShapesTest {
  @Test
  void endpointsAreOneLocalityWeightedByCountAndNoneWithoutEndpoints() {
    LbEndpoint a = IstiodEndpoints.lbEndpoint("192.0.2.1", 80, "a;default;a;v1;Kubernetes", false);
    LbEndpoint b = IstiodEndpoints.lbEndpoint("192.0.2.2", 80, "b;default;a;v1;Kubernetes", false);
    ClusterLoadAssignment two = IstiodEndpoints.loadAssignment("c", List.of(a, b));
    assertEquals(1, two.getEndpointsCount());
    assertEquals(2, two.getEndpoints(0).getLoadBalancingWeight().getValue());
    assertEquals(0, IstiodEndpoints.loadAssignment("c", List.of()).getEndpointsCount());
  }

  @Test
  void onlyAMeshedEndpointSelectsTheMtlsTransportSocket() {
    LbEndpoint meshed = IstiodEndpoints.lbEndpoint("192.0.2.1", 80, "w", true);
    LbEndpoint plain = IstiodEndpoints.lbEndpoint("192.0.2.1", 80, "w", false);
    assertEquals("istio", meshed.getMetadata().getFilterMetadataOrThrow("envoy.transport_socket_match")
        .getFieldsOrThrow("tlsMode").getStringValue());
    assertFalse(plain.getMetadata().containsFilterMetadata("envoy.transport_socket_match"));
    assertEquals("w", plain.getMetadata().getFilterMetadataOrThrow("istio").getFieldsOrThrow("workload").getStringValue());
  }

  @Test
  void autoMtlsTriesIstioMutualThenPlaintext() {
    Cluster cluster = IstiodClusters.withAutoMtls(IstiodClusters.edsCluster("c", "app", "default"),
        IstiodTls.upstreamTlsContext("sni", List.of("spiffe://cluster.local/ns/default/sa/app")));
    assertEquals(List.of("tlsMode-istio", "tlsMode-disabled"),
        cluster.getTransportSocketMatchesList().stream().map(Cluster.TransportSocketMatch::getName).toList());
    assertEquals("app.default.svc.cluster.local", cluster.getMetadata().getFilterMetadataOrThrow("istio")
        .getFieldsOrThrow("services").getListValue().getValues(0).getStructValue().getFieldsOrThrow("host")
        .getStringValue());
  }

  @Test
  void virtualInboundHasTheBlackholeThenThePortsThenThePassthrough() {
    FilterChain port = IstiodListeners.inboundChain(8080, IstiodListeners.RAW_BUFFER, List.of(),
        List.of(IstiodListeners.inboundHttpConnectionManager(8080, "app.default.svc.cluster.local")));
    Listener inbound = IstiodListeners.virtualInbound(List.of(port));
    assertEquals(List.of("virtualInbound-blackhole", "0.0.0.0_8080", "virtualInbound"),
        inbound.getFilterChainsList().stream().map(FilterChain::getName).toList());
    assertEquals(List.of("envoy.filters.listener.original_dst", "envoy.filters.listener.tls_inspector",
        "envoy.filters.listener.http_inspector"),
        inbound.getListenerFiltersList().stream().map(ListenerFilter::getName).toList());
  }

  @Test
  void onlyATerminatingChainHasATransportSocket() {
    FilterChain chain = IstiodListeners.inboundChain(8080, IstiodListeners.TLS, List.of("istio"), List.of());
    assertFalse(chain.hasTransportSocket());
    FilterChain terminating = IstiodListeners.terminatingTls(chain,
        IstiodTls.downstreamTlsContext(List.of("h2", "http/1.1"), List.of()));
    assertTrue(terminating.hasTransportSocket());
    assertEquals("envoy.transport_sockets.tls", terminating.getTransportSocket().getName());
    assertEquals(chain.getFilterChainMatch(), terminating.getFilterChainMatch());
  }
}
