package dev.outrigger.xds;

import dev.outrigger.core.net.OriginalDestination;
import dev.outrigger.core.net.ClientAddress;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Message;
import dev.outrigger.core.cluster.ClusterManager;
import dev.outrigger.core.config.ConfigStore;
import dev.outrigger.core.http.HttpSettings;
import dev.outrigger.core.log.ResponseFlag;
import dev.outrigger.core.outbound.OutboundRouter;
import dev.outrigger.core.route.ConnectionPlan;
import dev.outrigger.core.route.HttpRouting;
import dev.outrigger.core.route.RouteDecision;
import dev.outrigger.core.route.listener.ConnectionFacts;
import dev.outrigger.xds.translate.TestResources;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** istiod-shaped resources, translated into the store, routing outbound connections and requests. */
class MeshRoutingTest {
  private static final InetSocketAddress CLIENT = new InetSocketAddress("10.244.0.5", 40000);
  private static final InetSocketAddress REVIEWS_VIP = new InetSocketAddress("10.96.0.20", 9080);
  private final ConfigStore store = new ConfigStore();
  private OutboundRouter router;

  private static Map<String, Message> named(String file, Class<? extends Message> type) throws Exception {
    DiscoveryResponse r = TestResources.load(file, DiscoveryResponse.newBuilder()).build();
    Map<String, Message> out = new HashMap<>();
    for (var any : r.getResourcesList()) {
      Message m = any.unpack(type);
      out.put((String) m.getField(m.getDescriptorForType().findFieldByName("name")), m);
    }
    return out;
  }

  @BeforeEach
  void load() throws Exception {
    XdsConfigSource source = new XdsConfigSource(store, (type, names) -> {});
    source.accept(ResourceType.CLUSTER, XdsResource.of(named("clusters.json", Cluster.class)));
    source.accept(ResourceType.LISTENER, XdsResource.of(named("listeners.json", Listener.class)));
    source.accept(ResourceType.ROUTE, XdsResource.of(Map.of("9080",
        TestResources.load("route-9080.json", RouteConfiguration.newBuilder()).build())));
    ClusterLoadAssignment cla = TestResources.load("endpoints-reviews-v3.json", ClusterLoadAssignment.newBuilder()).build();
    source.accept(ResourceType.ENDPOINT, XdsResource.of(Map.of(cla.getClusterName(), cla)));
    router = new OutboundRouter(HttpSettings.defaults(), store, new ClusterManager());
  }

  private HttpRouting http(InetSocketAddress destination, String host, String path, String... headers) {
    ConnectionPlan plan = router.plan(new ConnectionFacts(new OriginalDestination(destination), new ClientAddress(CLIENT), "raw_buffer", Set.of("http/1.1")));
    HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
    request.headers().set("host", host);
    for (int i = 0; i < headers.length; i += 2) {
      request.headers().set(headers[i], headers[i + 1]);
    }
    return assertInstanceOf(ConnectionPlan.Http.class, plan).router().route(request);
  }

  private ConnectionPlan tcp(InetSocketAddress destination) {
    return router.plan(new ConnectionFacts(new OriginalDestination(destination), new ClientAddress(CLIENT), "raw_buffer", Set.of()));
  }

  @Test
  void aServiceVipIsRoutedToAnEndpointOfTheChosenSubset() {
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < 400; i++) {
      HttpRouting r = http(REVIEWS_VIP, "reviews:9080", "/reviews/1");
      if (r instanceof HttpRouting.Forward f) {
        RouteDecision d = f.decision();
        assertEquals("outbound|9080|v3|reviews.default.svc.cluster.local", d.cluster());
        assertEquals(new InetSocketAddress("10.244.1.12", 9080), d.upstream().address());
        assertEquals("split", d.routeName());
        seen.merge("v3", 1, Integer::sum);
      } else {
        // v1 and v2 are in the route but this config has no such clusters: Envoy's 503 NC.
        HttpRouting.Answer a = assertInstanceOf(HttpRouting.Answer.class, r);
        assertEquals(503, a.status());
        assertEquals(ResponseFlag.NO_CLUSTER_FOUND, a.flag());
        seen.merge("other", 1, Integer::sum);
      }
    }
    assertTrue(seen.get("v3") > 300 && seen.get("other") > 10, seen.toString()); // 90:10
  }

  @Test
  void anEndpointEdsCallsDrainingIsNotChosen() {
    Set<String> hosts = new java.util.HashSet<>();
    for (int i = 0; i < 50; i++) {
      if (http(REVIEWS_VIP, "reviews", "/", "end-user", "nobody") instanceof HttpRouting.Forward f) {
        hosts.add(f.decision().upstream().address().getAddress().getHostAddress());
      }
    }
    assertEquals(Set.of("10.244.1.12"), hosts); // 10.244.2.9 is DRAINING

  }

  @Test
  void aHeaderMatchTakesItsOwnRoute() {
    HttpRouting r = http(REVIEWS_VIP, "reviews.default.svc.cluster.local:9080", "/", "end-user", "jason");
    HttpRouting.Answer a = assertInstanceOf(HttpRouting.Answer.class, r); // v2 has no cluster here
    assertEquals("outbound|9080|v2|reviews.default.svc.cluster.local", a.cluster());
    assertEquals("jason", a.routeName());
  }

  @Test
  void anUnknownHostOnAServicePortPassesThroughToWhatWasDialled() {
    InetSocketAddress elsewhere = new InetSocketAddress("10.1.2.3", 9080);
    RouteDecision d = assertInstanceOf(HttpRouting.Forward.class, http(elsewhere, "example.com", "/")).decision();
    assertEquals("PassthroughCluster", d.cluster());
    assertEquals(elsewhere, d.upstream().address());
  }

  @Test
  void anUnknownDestinationIsATcpPassthroughWithoutDetection() {
    InetSocketAddress elsewhere = new InetSocketAddress("10.1.2.3", 5555);
    assertFalse(router.detectsProtocol(new OriginalDestination(elsewhere)));
    RouteDecision d = assertInstanceOf(ConnectionPlan.Tcp.class, tcp(elsewhere)).decision();
    assertEquals("PassthroughCluster", d.cluster());
    assertEquals(elsewhere, d.upstream().address());
  }

  @Test
  void aTcpServiceIsNotHeldForDetection() {
    InetSocketAddress mysql = new InetSocketAddress("10.96.0.30", 3306);
    assertFalse(router.detectsProtocol(new OriginalDestination(mysql)));
    assertTrue(router.detectsProtocol(new OriginalDestination(REVIEWS_VIP)));
    ConnectionPlan.Refuse refused = assertInstanceOf(ConnectionPlan.Refuse.class, tcp(mysql));
    assertEquals(ResponseFlag.NO_CLUSTER_FOUND, refused.flag()); // no mysql cluster in this config
    assertEquals("outbound|3306||mysql.default.svc.cluster.local", refused.cluster());
  }

  @Test
  void anHttpChainChosenForTlsIsRefusedUntilTlsIsTerminated() throws Exception {
    // A chain with no transport match but an HTTP connection manager, taken by a TLS ClientHello.
    Listener.Builder l = ((Listener) named("listeners.json", Listener.class).get("0.0.0.0_9080")).toBuilder();
    l.getFilterChainsBuilder(0).clearFilterChainMatch();
    new XdsConfigSource(store, (type, names) -> {}).accept(ResourceType.LISTENER, XdsResource.of(Map.of(l.getName(), l.build())));
    ConnectionPlan plan = router.plan(new ConnectionFacts(new OriginalDestination(REVIEWS_VIP), new ClientAddress(CLIENT), "tls", Set.of("http/1.1"), "reviews"));
    assertTrue(assertInstanceOf(ConnectionPlan.Refuse.class, plan).why().contains("needs TLS termination"));
  }
}
