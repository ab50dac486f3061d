package dev.outrigger.xds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.core.config.ConfigStore;
import dev.outrigger.core.config.MeshConfig;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * istiod-shaped resources from java-control-plane's server, through the ADS client, into the
 * config store: routes and endpoints are subscribed to by the names listeners and clusters use.
 */
class XdsConfigSourceTest {
  private static <T extends com.google.protobuf.Message> List<T> all(String file, Class<T> type) throws Exception {
    DiscoveryResponse r = dev.outrigger.xds.translate.TestResources.load(file, DiscoveryResponse.newBuilder()).build();
    List<T> out = new ArrayList<>();
    for (var any : r.getResourcesList()) {
      out.add(any.unpack(type));
    }
    return out;
  }

  private static void await(ConfigStore store, Predicate<MeshConfig> condition) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!condition.test(store.current())) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out; config now: " + store.current());
      }
      Thread.sleep(10);
    }
  }

  @Test
  void listenersRoutesClustersAndEndpointsArriveTogether() throws Exception {
    List<Cluster> clusters = all("clusters.json", Cluster.class);
    List<Listener> listeners = all("listeners.json", Listener.class);
    RouteConfiguration route = dev.outrigger.xds.translate.TestResources.load("route-9080.json",
        RouteConfiguration.newBuilder()).build();
    ClusterLoadAssignment cla = dev.outrigger.xds.translate.TestResources.load("endpoints-reviews-v3.json",
        ClusterLoadAssignment.newBuilder()).build();
    SimpleCache<String> cache = new SimpleCache<>(node -> "g");
    cache.setSnapshot("g", Snapshot.create(clusters, List.of(cla), listeners, List.of(route), List.of(), "1"));
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new V3DiscoveryServer(cache).getAggregatedDiscoveryServiceImpl()).build().start();
    ManagedChannel channel = XdsChannels.plaintext("127.0.0.1:" + server.getPort());
    ConfigStore store = new ConfigStore();
    AdsClient[] client = new AdsClient[1];
    client[0] = new AdsClient(channel, Node.newBuilder().setId("sidecar~10.244.0.5~p.default~default.svc.cluster.local").build(),
        new XdsConfigSource(store, (type, names) -> client[0].subscribe(type, names)));
    try {
      client[0].start();
      await(store, c -> c.route("9080").isPresent() && !c.endpoints().isEmpty() && !c.listeners().listeners().isEmpty());
      MeshConfig c = store.current();
      assertEquals(3, c.listeners().listeners().size());
      assertEquals(4, c.clusters().size());
      assertTrue(c.endpoints().containsKey("outbound|9080|v3|reviews.default.svc.cluster.local"));
      assertEquals(2, c.endpoints().get("outbound|9080|v3|reviews.default.svc.cluster.local").endpoints().size());

      ClusterLoadAssignment fewer = cla.toBuilder().setEndpoints(0, cla.getEndpoints(0).toBuilder().removeLbEndpoints(1)).build();
      cache.setSnapshot("g", Snapshot.create(clusters, List.of(fewer), listeners, List.of(route), List.of(), "2"));
      await(store, m -> m.endpoints().get("outbound|9080|v3|reviews.default.svc.cluster.local").endpoints().size() == 1);
    } finally {
      client[0].close();
      channel.shutdownNow();
      server.shutdownNow();
    }
  }

  @Test
  void anInternalListenerOfARealSidecarIsSkippedAndTheRestApplied() throws Exception {
    java.util.Map<String, com.google.protobuf.Message> resources = new java.util.TreeMap<>();
    for (Listener l : dev.outrigger.xds.translate.TestResources.resources(
        dev.outrigger.xds.translate.RealSidecarConfigTest.dump(), Listener.class)) {
      if (!l.getName().equals("virtualInbound")) { // it carries RBAC: rejected, see RealSidecarConfigTest
        resources.put(l.getName(), l);
      }
    }
    ConfigStore store = new ConfigStore();
    java.util.Map<ResourceType, java.util.Set<String>> subscribed = new java.util.EnumMap<>(ResourceType.class);
    new XdsConfigSource(store, subscribed::put).accept(ResourceType.LISTENER, resources);
    assertEquals(List.of("0.0.0.0_9080", "10.96.0.10_53", "virtualOutbound"),
        store.current().listeners().listeners().stream().map(l -> l.name()).sorted().toList(),
        "main_internal is skipped");
    assertEquals(java.util.Set.of("9080"), subscribed.get(ResourceType.ROUTE));
  }
  private static ClusterLoadAssignment assignment(String cluster, String ip) {
    ClusterLoadAssignment.Builder b = ClusterLoadAssignment.newBuilder().setClusterName(cluster);
    b.addEndpointsBuilder().addLbEndpointsBuilder().getEndpointBuilder().getAddressBuilder().getSocketAddressBuilder()
        .setAddress(ip).setPortValue(9080);
    return b.build();
  }

  /**
   * An endpoint push in a large mesh changes few assignments: the unchanged ones keep their
   * translation (the same EndpointSet), only the changed one is translated again.
   */
  @Test
  void anUnchangedAssignmentKeepsItsTranslation() throws Exception {
    String reviews = "outbound|9080||reviews.default.svc.cluster.local";
    String ratings = "outbound|9080||ratings.default.svc.cluster.local";
    ConfigStore store = new ConfigStore();
    XdsConfigSource source = new XdsConfigSource(store, (type, names) -> { });
    source.accept(ResourceType.ENDPOINT, java.util.Map.of(reviews, assignment(reviews, "10.1.0.1"),
        ratings, assignment(ratings, "10.1.0.2")));
    var reviewsBefore = store.current().endpoints().get(reviews);
    var ratingsBefore = store.current().endpoints().get(ratings);

    // A full response: equal but new instances for the unchanged one.
    source.accept(ResourceType.ENDPOINT, java.util.Map.of(reviews, assignment(reviews, "10.1.0.1"),
        ratings, assignment(ratings, "10.1.0.3")));
    org.junit.jupiter.api.Assertions.assertSame(reviewsBefore, store.current().endpoints().get(reviews));
    assertTrue(ratingsBefore != store.current().endpoints().get(ratings));
    assertEquals("10.1.0.3", store.current().endpoints().get(ratings).endpoints().get(0).address().getHostString());
  }
}
