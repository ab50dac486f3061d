package dev.outrigger.core.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.outrigger.core.config.MeshConfig;
import dev.outrigger.core.route.Upstream;
import dev.outrigger.core.route.UpstreamTransport;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Istio's auto mTLS, per endpoint: ISTIO_MUTUAL to endpoints whose metadata says tlsMode=istio when
 * the cluster has the istio transport-socket match; plaintext to the others, and to every endpoint
 * of a cluster without it.
 */
class AutoMtlsTest {
  private static final String NAME = "outbound|9080||reviews.default.svc.cluster.local";
  private static final InetSocketAddress SIDECAR = new InetSocketAddress("10.0.0.1", 9080);
  private static final InetSocketAddress PLAIN = new InetSocketAddress("10.0.0.2", 9080);
  private static final UpstreamTlsSpec TLS = new UpstreamTlsSpec("outbound_.9080_._.reviews.default.svc.cluster.local",
      List.of("istio"), List.of("spiffe://cluster.local/ns/default/sa/reviews"), "default", "ROOTCA");

  private record Marked(UpstreamTlsSpec spec) implements UpstreamTransport {
    @Override
    public void install(Channel channel) {}
  }

  @Test
  void mutualTlsOnlyToSidecarEndpointsOfAnIstioMutualCluster() {
    ClusterManager clusters = new ClusterManager(new LoadBalancer.RandomSource() {
      int next;
      @Override
      public int nextInt(int bound) {
        return next++ % bound;
      }
    }, Marked::new);
    Map<InetSocketAddress, UpstreamTransport> seen = new java.util.HashMap<>();
    for (int i = 0; i < 8; i++) {
      Upstream u = ((ClusterManager.Choice.Chosen) clusters.choose(config(Optional.of(TLS)), NAME, null)).upstream();
      seen.put(u.address(), u.transport());
    }
    assertEquals(new Marked(TLS), seen.get(SIDECAR));
    assertEquals(UpstreamTransport.PLAINTEXT, seen.get(PLAIN));
  }

  @Test
  void plaintextEverywhereWithoutTheMatch() {
    ClusterManager clusters = new ClusterManager(Marked::new);
    for (int i = 0; i < 8; i++) {
      Upstream u = ((ClusterManager.Choice.Chosen) clusters.choose(config(Optional.empty()), NAME, null)).upstream();
      assertEquals(UpstreamTransport.PLAINTEXT, u.transport());
    }
  }

  private static MeshConfig config(Optional<UpstreamTlsSpec> tls) {
    ClusterSpec spec = new ClusterSpec(NAME, ClusterSpec.Discovery.EDS, ClusterSpec.LbPolicy.ROUND_ROBIN,
        Duration.ofSeconds(10), CircuitBreakers.ENVOY_DEFAULTS, Optional.empty(), List.of(), tls, NAME);
    EndpointSet hosts = new EndpointSet(NAME, List.of(
        new Endpoint(SIDECAR, 1, Endpoint.Health.HEALTHY, "", Map.of("tlsMode", "istio")),
        new Endpoint(PLAIN, 1, Endpoint.Health.HEALTHY, "", Map.of("tlsMode", "disabled"))));
    return MeshConfig.EMPTY.withClusters(Map.of(NAME, spec)).withEndpoints(Map.of(NAME, hosts));
  }
}
