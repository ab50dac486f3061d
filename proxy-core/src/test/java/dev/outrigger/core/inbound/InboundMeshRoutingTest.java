package dev.outrigger.core.inbound;

import dev.outrigger.core.net.OriginalDestination;
import dev.outrigger.core.net.ClientAddress;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.core.cluster.CircuitBreakers;
import dev.outrigger.core.cluster.ClusterManager;
import dev.outrigger.core.cluster.ClusterSpec;
import dev.outrigger.core.config.ConfigStore;
import dev.outrigger.core.config.InboundMode;
import dev.outrigger.core.config.MeshConfig;
import dev.outrigger.core.http.HttpSettings;
import dev.outrigger.core.log.ResponseFlag;
import dev.outrigger.core.route.ConnectionPlan;
import dev.outrigger.core.route.HttpRouting;
import dev.outrigger.core.route.RouteDecision;
import dev.outrigger.core.route.listener.ConnectionFacts;
import dev.outrigger.core.route.listener.FilterChain;
import dev.outrigger.core.route.listener.FilterChainMatch;
import dev.outrigger.core.route.listener.ListenerSpec;
import dev.outrigger.core.route.listener.ListenerTable;
import dev.outrigger.core.route.listener.NetworkAction;
import dev.outrigger.core.route.table.FaultPolicy;
import dev.outrigger.core.route.table.HeaderMutations;
import dev.outrigger.core.route.table.PathMatch;
import dev.outrigger.core.route.table.RetryPolicy;
import dev.outrigger.core.route.table.Route;
import dev.outrigger.core.route.table.RouteAction;
import dev.outrigger.core.route.table.RouteMatch;
import dev.outrigger.core.route.table.RouteTable;
import dev.outrigger.core.route.table.VirtualHost;
import dev.outrigger.core.route.table.WeightedCluster;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** istiod's virtualInbound listener, as the inbound router applies it. */
class InboundMeshRoutingTest {
  private static final InetSocketAddress POD_9080 = new InetSocketAddress("10.244.2.4", 9080);
  private static final InetSocketAddress POD_7070 = new InetSocketAddress("10.244.2.4", 7070);
  private static final InetSocketAddress CLIENT = new InetSocketAddress("10.244.1.7", 40000);

  private static ClusterSpec originalDst(String name) {
    return new ClusterSpec(name, ClusterSpec.Discovery.ORIGINAL_DST, ClusterSpec.LbPolicy.ROUND_ROBIN,
        Duration.ofSeconds(10), CircuitBreakers.ENVOY_DEFAULTS, Optional.empty(), List.of(), Optional.empty(), name);
  }

  private static InboundRouter router() {
    Route toApp = new Route("default", new RouteMatch(new PathMatch.Prefix("/", true), List.of()),
        new RouteAction.Forward(List.of(new WeightedCluster("inbound|9080||", 1))), Duration.ZERO, RetryPolicy.NONE,
        FaultPolicy.NONE, HeaderMutations.NONE);
    RouteTable inline = new RouteTable("inbound|9080||",
        List.of(new VirtualHost("inbound|http|9080", List.of("*"), List.of(toApp))));
    FilterChain http9080 = new FilterChain("0.0.0.0_9080",
        new FilterChainMatch(9080, List.of(), "raw_buffer", Set.of("http/1.1", "h2c"), List.of()),
        new NetworkAction.Http("inbound_0.0.0.0_9080", "", Optional.of(inline), Duration.ofMinutes(5)));
    FilterChain catchAll = new FilterChain("virtualInbound", FilterChainMatch.ANY,
        new NetworkAction.TcpProxy("InboundPassthroughClusterIpv4",
            List.of(new WeightedCluster("InboundPassthroughClusterIpv4", 1)), Duration.ofHours(1)));
    ListenerSpec virtualInbound = new ListenerSpec("virtualInbound", new InetSocketAddress("0.0.0.0", 15006), false,
        true, List.of(http9080, catchAll), Optional.empty());
    ConfigStore store = new ConfigStore();
    store.update(c -> new MeshConfig(new ListenerTable(List.of(virtualInbound)), Map.of(),
        Map.of("inbound|9080||", originalDst("inbound|9080||"),
            "InboundPassthroughClusterIpv4", originalDst("InboundPassthroughClusterIpv4")), Map.of()));
    return new InboundRouter(InboundMode.PRESERVE, HttpSettings.defaults(), store, new ClusterManager());
  }

  @Test
  void anHttpPortOfThePodIsRoutedByItsInlineTableToTheAppFrom127_0_0_6() {
    ConnectionPlan plan = router().plan(new ConnectionFacts(new OriginalDestination(POD_9080), new ClientAddress(CLIENT), "raw_buffer", Set.of("http/1.1")));
    HttpRouting routing = assertInstanceOf(ConnectionPlan.Http.class, plan).router()
        .route(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/anything"));
    RouteDecision d = assertInstanceOf(HttpRouting.Forward.class, routing).decision();
    assertEquals("inbound|9080||", d.cluster());
    assertEquals(POD_9080, d.upstream().address());
    assertEquals(new InetSocketAddress("127.0.0.6", 0), d.upstream().bindAddress().orElseThrow().address());
  }

  @Test
  void anyOtherPortPassesThroughToTheApp() {
    InboundRouter router = router();
    assertTrue(router.detectsProtocol(new OriginalDestination(POD_7070))); // the listener has HTTP chains, so bytes are read first
    ConnectionPlan plan = router.plan(new ConnectionFacts(new OriginalDestination(POD_7070), new ClientAddress(CLIENT), "raw_buffer", Set.of()));
    RouteDecision d = assertInstanceOf(ConnectionPlan.Tcp.class, plan).decision();
    assertEquals("InboundPassthroughClusterIpv4", d.cluster());
    assertEquals(POD_7070, d.upstream().address());
  }

  @Test
  void aListenerWithNoChainForTheConnectionClosesItWithNoRoute() {
    ListenerSpec onlyHttp = new ListenerSpec("virtualInbound", new InetSocketAddress("0.0.0.0", 15006), false, true,
        List.of(new FilterChain("x", new FilterChainMatch(9080, List.of(), "", Set.of(), List.of()),
            new NetworkAction.TcpProxy("x", List.of(new WeightedCluster("x", 1)), Duration.ofHours(1)))),
        Optional.empty());
    ConfigStore store = new ConfigStore();
    store.update(c -> c.withListeners(new ListenerTable(List.of(onlyHttp))));
    ConnectionPlan plan = new InboundRouter(InboundMode.PRESERVE, HttpSettings.defaults(), store, new ClusterManager())
        .plan(new ConnectionFacts(new OriginalDestination(POD_7070), new ClientAddress(CLIENT), "raw_buffer", Set.of()));
    assertEquals(ResponseFlag.NO_ROUTE, assertInstanceOf(ConnectionPlan.Refuse.class, plan).flag());
  }

  @Test
  void anOutboundConnectionIsNeverHandedToTheVirtualInboundListenerThoughBothUseTheOriginalDestination() {
    ListenerSpec virtualInbound = new ListenerSpec("virtualInbound", new InetSocketAddress("0.0.0.0", 15006), true, true,
        List.of(), Optional.empty());
    ListenerSpec virtualOutbound = new ListenerSpec("virtualOutbound", new InetSocketAddress("0.0.0.0", 15001), true,
        true, List.of(), Optional.empty());
    ListenerTable table = new ListenerTable(List.of(virtualInbound, virtualOutbound));
    assertEquals("virtualOutbound", dev.outrigger.core.route.mesh.MeshListeners
        .outbound(table, new InetSocketAddress("10.96.0.99", 7777)).orElseThrow().name());
  }
}
