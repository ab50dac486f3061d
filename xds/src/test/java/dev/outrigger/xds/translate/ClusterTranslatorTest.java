package dev.outrigger.xds.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.core.cluster.ClusterSpec;
import dev.outrigger.core.cluster.Endpoint;
import dev.outrigger.core.cluster.EndpointSet;
import dev.outrigger.xds.RejectedUpdate;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** istiod's clusters for a Bookinfo sidecar and an EDS assignment, through the translator. */
class ClusterTranslatorTest {
  private static Map<String, Cluster> clusters() throws Exception {
    DiscoveryResponse response = TestResources.load("clusters.json", DiscoveryResponse.newBuilder()).build();
    Map<String, Cluster> out = new HashMap<>();
    for (var any : response.getResourcesList()) {
      Cluster c = any.unpack(Cluster.class);
      out.put(c.getName(), c);
    }
    return out;
  }

  @Test
  void anOutboundSubsetClusterWithItsPolicies() throws Exception {
    Cluster proto = clusters().get("outbound|9080|v3|reviews.default.svc.cluster.local");
    ClusterSpec c = ClusterTranslator.cluster(proto);
    assertEquals(ClusterSpec.Discovery.EDS, c.discovery());
    assertEquals("outbound|9080|v3|reviews.default.svc.cluster.local", ClusterTranslator.edsName(proto));
    assertEquals(ClusterSpec.LbPolicy.LEAST_REQUEST, c.lbPolicy());
    assertEquals(Duration.ofSeconds(10), c.connectTimeout());
    assertEquals(4294967295L, c.circuitBreakers().maxRequests());
    assertEquals(7, c.outlierDetection().orElseThrow().consecutive5xx());
    assertEquals(0, c.outlierDetection().orElseThrow().consecutiveGatewayFailure(), "not enforced by default");
    assertEquals(Duration.ofSeconds(15), c.outlierDetection().orElseThrow().baseEjectionTime());
    assertTrue(c.istioMutualAvailable());
    dev.outrigger.core.cluster.UpstreamTlsSpec tls = c.istioMutual().orElseThrow();
    assertEquals("outbound_.9080_.v3_.reviews.default.svc.cluster.local", tls.sni());
    assertEquals(java.util.List.of("istio"), tls.alpn(), "istio-peer-exchange is never offered without the exchange");
    assertEquals(java.util.List.of("spiffe://cluster.local/ns/default/sa/bookinfo-reviews"), tls.subjectAltNames());
    assertEquals("default", tls.certificateSecret());
    assertEquals("ROOTCA", tls.validationSecret());
  }

  @Test
  void passthroughBlackHoleAndInbound() throws Exception {
    Map<String, Cluster> all = clusters();
    assertEquals(ClusterSpec.Discovery.ORIGINAL_DST, ClusterTranslator.cluster(all.get("PassthroughCluster")).discovery());
    ClusterSpec blackHole = ClusterTranslator.cluster(all.get("BlackHoleCluster"));
    assertEquals(ClusterSpec.Discovery.STATIC, blackHole.discovery());
    assertTrue(blackHole.endpoints().isEmpty());
    ClusterSpec inbound = ClusterTranslator.cluster(all.get("inbound|9080||"));
    assertEquals(ClusterSpec.Discovery.ORIGINAL_DST, inbound.discovery());
    assertFalse(inbound.istioMutualAvailable());
  }

  @Test
  void endpointsWithHealthWeightLocalityAndIstioMetadata() throws Exception {
    EndpointSet set = ClusterTranslator.endpoints(
        TestResources.load("endpoints-reviews-v3.json", ClusterLoadAssignment.newBuilder()).build());
    assertEquals("outbound|9080|v3|reviews.default.svc.cluster.local", set.cluster());
    Endpoint first = set.endpoints().get(0);
    assertEquals(new InetSocketAddress("10.244.1.12", 9080), first.address());
    assertEquals(Endpoint.Health.HEALTHY, first.health());
    assertEquals("us-central1/us-central1-a/", first.locality());
    assertEquals("istio", first.metadata().get("tlsMode"));
    assertEquals("reviews-v3;default;reviews;v3;Kubernetes", first.metadata().get("workload"));
    assertFalse(set.endpoints().get(1).health().routable(), "a draining host takes no new requests");
  }

  @Test
  void aCustomClusterTypeIsRejectedByName() throws Exception {
    Cluster aggregate = Cluster.newBuilder().setName("agg")
        .setClusterType(Cluster.CustomClusterType.newBuilder().setName("envoy.clusters.aggregate")).build();
    RejectedUpdate e = assertThrows(RejectedUpdate.class, () -> ClusterTranslator.cluster(aggregate));
    assertEquals("cluster agg: custom cluster type envoy.clusters.aggregate is not supported", e.getMessage());
  }

  @Test
  void istiodsSidecarIngressClustersKeepTheirEndpointAndUpstreamBind() throws Exception {
    ClusterSpec localhost = ClusterTranslator.cluster(
        dev.outrigger.xds.ingress.IstiodSidecarIngress.staticCluster(9080, "127.0.0.1", 8080));
    assertEquals(ClusterSpec.Discovery.STATIC, localhost.discovery());
    assertEquals(new InetSocketAddress("127.0.0.1", 8080), localhost.endpoints().get(0).address());
    assertTrue(localhost.upstreamBind().isEmpty());
    ClusterSpec podIp = ClusterTranslator.cluster(
        dev.outrigger.xds.ingress.IstiodSidecarIngress.staticCluster(9080, "10.244.1.7", 8080));
    assertEquals(java.util.List.of(new dev.outrigger.core.net.BindAddress(new InetSocketAddress("127.0.0.6", 0))),
        podIp.upstreamBind().sources());
  }

  @Test
  void anUpstreamBindEnvoyWouldRejectIsRejected() {
    Cluster.Builder c = Cluster.newBuilder().setName("inbound|9080||").setType(Cluster.DiscoveryType.STATIC);
    var v4 = io.envoyproxy.envoy.config.core.v3.SocketAddress.newBuilder().setAddress("127.0.0.6");
    var v4b = io.envoyproxy.envoy.config.core.v3.SocketAddress.newBuilder().setAddress("127.0.0.7");
    var v6 = io.envoyproxy.envoy.config.core.v3.SocketAddress.newBuilder().setAddress("::6");
    var extra = io.envoyproxy.envoy.config.core.v3.ExtraSourceAddress.newBuilder();
    RejectedUpdate sameFamily = assertThrows(RejectedUpdate.class, () -> ClusterTranslator.cluster(c.setUpstreamBindConfig(
        io.envoyproxy.envoy.config.core.v3.BindConfig.newBuilder().setSourceAddress(v4)
            .addExtraSourceAddresses(extra.clone().setAddress(v4b))).build()));
    assertEquals("cluster inbound|9080||: upstream_bind_config has two source addresses of the same IP version",
        sameFamily.getMessage());
    RejectedUpdate three = assertThrows(RejectedUpdate.class, () -> ClusterTranslator.cluster(c.setUpstreamBindConfig(
        io.envoyproxy.envoy.config.core.v3.BindConfig.newBuilder().setSourceAddress(v4)
            .addExtraSourceAddresses(extra.clone().setAddress(v6))
            .addExtraSourceAddresses(extra.clone().setAddress(v4b))).build()));
    assertTrue(three.getMessage().contains("has 3 source addresses"), three.getMessage());
    RejectedUpdate name = assertThrows(RejectedUpdate.class, () -> ClusterTranslator.cluster(c.setUpstreamBindConfig(
        io.envoyproxy.envoy.config.core.v3.BindConfig.newBuilder().setSourceAddress(
            io.envoyproxy.envoy.config.core.v3.SocketAddress.newBuilder().setAddress("localhost"))).build()));
    assertTrue(name.getMessage().contains("'localhost' is not an IP address"), name.getMessage());
  }
}
