package dev.outrigger.core.inbound;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.core.cluster.CircuitBreakers;
import dev.outrigger.core.cluster.ClusterSpec;
import dev.outrigger.core.cluster.Endpoint;
import dev.outrigger.core.config.MeshConfig;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which ports istiod's inbound clusters send to loopback (a Sidecar ingress defaultEndpoint 127.0.0.1:PORT). */
class SidecarIngressEndpointsTest {
  private static ClusterSpec cluster(int port, ClusterSpec.Discovery discovery, String... endpoints) {
    List<Endpoint> eps = java.util.Arrays.stream(endpoints)
        .map(ip -> new Endpoint(new InetSocketAddress(ip, 8080), 1, Endpoint.Health.UNKNOWN, "", Map.of())).toList();
    return new ClusterSpec(InboundRouter.cluster(port), discovery, ClusterSpec.LbPolicy.ROUND_ROBIN, Duration.ofSeconds(10),
        CircuitBreakers.ENVOY_DEFAULTS, Optional.empty(), eps, Optional.empty(), InboundRouter.cluster(port));
  }

  @Test
  void onlyAStaticInboundClusterOfLoopbackEndpointsCounts() {
    MeshConfig config = MeshConfig.EMPTY.withClusters(Map.of(
        InboundRouter.cluster(9080), cluster(9080, ClusterSpec.Discovery.STATIC, "127.0.0.1"),
        InboundRouter.cluster(9081), cluster(9081, ClusterSpec.Discovery.STATIC, "10.244.1.7"),
        InboundRouter.cluster(9082), cluster(9082, ClusterSpec.Discovery.ORIGINAL_DST),
        InboundRouter.cluster(9083), cluster(9083, ClusterSpec.Discovery.STATIC, "::1")));
    assertTrue(SidecarIngressEndpoints.forwardsOverLoopback(config, 9080));
    assertFalse(SidecarIngressEndpoints.forwardsOverLoopback(config, 9081), "0.0.0.0: the pod IP");
    assertFalse(SidecarIngressEndpoints.forwardsOverLoopback(config, 9082), "no defaultEndpoint: the inbound mode decides");
    assertTrue(SidecarIngressEndpoints.forwardsOverLoopback(config, 9083));
    assertFalse(SidecarIngressEndpoints.forwardsOverLoopback(config, 9084), "no such cluster");
  }
}
