package dev.outrigger.core.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.core.cluster.CircuitBreakers;
import dev.outrigger.core.cluster.ClusterManager;
import dev.outrigger.core.cluster.ClusterSpec;
import dev.outrigger.core.config.ConfigStore;
import dev.outrigger.core.config.InboundMode;
import dev.outrigger.core.http.HttpSettings;
import dev.outrigger.core.inbound.InboundRouter;
import dev.outrigger.core.log.ResponseFlag;
import dev.outrigger.core.net.ClientAddress;
import dev.outrigger.core.net.OriginalDestination;
import dev.outrigger.core.route.ConnectionPlan;
import dev.outrigger.core.route.listener.ConnectionFacts;
import dev.outrigger.core.route.listener.DownstreamTlsSpec;
import dev.outrigger.core.route.listener.FilterChain;
import dev.outrigger.core.route.listener.FilterChainMatch;
import dev.outrigger.core.route.listener.ListenerSpec;
import dev.outrigger.core.route.listener.ListenerTable;
import dev.outrigger.core.route.listener.NetworkAction;
import dev.outrigger.core.route.table.WeightedCluster;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An inbound chain with a DownstreamTlsContext is planned as TLS termination, then the chain's action. */
class TlsChainPlanTest {
  private static final String CLUSTER = "inbound|9080||";
  private static final InetSocketAddress POD = new InetSocketAddress("10.244.2.4", 9080);
  @TempDir Path dir;

  @Test
  void anMtlsChainTerminatesTlsWhenTheProxyHasAnIdentity() throws Exception {
    OpensslMeshCa ca = OpensslMeshCa.create(dir, "mesh");
    TlsContexts contexts = new TlsContexts(new FixedCertificateSource(ca.issue("s", "spiffe://cluster.local/ns/a/sa/s").identity()));
    ConnectionPlan plan = router(contexts).plan(tlsFacts());
    ConnectionPlan.TerminateTls tls = assertInstanceOf(ConnectionPlan.TerminateTls.class, plan);
    assertTrue(tls.context().isServer());
    assertEquals(POD, assertInstanceOf(ConnectionPlan.Tcp.class, tls.decrypted()).decision().upstream().address());
  }

  @Test
  void withoutACertificateYetTheConnectionIsRefused() {
    ConnectionPlan plan = router(new TlsContexts(new FixedCertificateSource(null))).plan(tlsFacts());
    assertEquals(ResponseFlag.NO_ROUTE, assertInstanceOf(ConnectionPlan.Refuse.class, plan).flag());
  }

  @Test
  void withoutTlsContextsAnMtlsTcpChainStillRelaysTheBytesAsBefore() {
    assertInstanceOf(ConnectionPlan.Tcp.class, router(null).plan(tlsFacts()));
  }

  private static ConnectionFacts tlsFacts() {
    return new ConnectionFacts(new OriginalDestination(POD), new ClientAddress(new InetSocketAddress("10.244.1.7", 40000)),
        "tls", Set.of("istio-peer-exchange", "istio"), "outbound_.9080_._.reviews.default.svc.cluster.local");
  }

  private static InboundRouter router(TlsContexts contexts) {
    FilterChain mtls = new FilterChain("0.0.0.0_9080", new FilterChainMatch(9080, List.of(), "tls", Set.of(), List.of()),
        new NetworkAction.TcpProxy(CLUSTER, List.of(new WeightedCluster(CLUSTER, 1)), Duration.ofHours(1)),
        Optional.of(new DownstreamTlsSpec(true, List.of("istio-peer-exchange", "h2", "http/1.1"), "default", "ROOTCA")));
    ListenerSpec inbound = new ListenerSpec("virtualInbound", new InetSocketAddress("0.0.0.0", 15006), true, true,
        List.of(mtls), Optional.empty());
    ClusterSpec cluster = new ClusterSpec(CLUSTER, ClusterSpec.Discovery.ORIGINAL_DST, ClusterSpec.LbPolicy.ROUND_ROBIN,
        Duration.ofSeconds(10), CircuitBreakers.ENVOY_DEFAULTS, Optional.empty(), List.of(), Optional.empty(), CLUSTER);
    ConfigStore store = new ConfigStore();
    store.update(c -> c.withListeners(new ListenerTable(List.of(inbound))).withClusters(Map.of(CLUSTER, cluster)));
    return new InboundRouter(InboundMode.PRESERVE, HttpSettings.defaults(), store, new ClusterManager(), contexts);
  }
}
