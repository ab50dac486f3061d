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

  /** The route configuration of port 9080 in the test resources (istiod-shaped). */
  private static RouteConfiguration route9080() throws Exception {
    return dev.outrigger.xds.translate.TestResources.load("route-9080.json", RouteConfiguration.newBuilder()).build();
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
    RouteConfiguration route = route9080();
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
    new XdsConfigSource(store, subscribed::put).accept(ResourceType.LISTENER, XdsResource.of(resources));
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
    source.accept(ResourceType.ENDPOINT, XdsResource.of(java.util.Map.of(reviews, assignment(reviews, "10.1.0.1"),
        ratings, assignment(ratings, "10.1.0.2"))));
    var reviewsBefore = store.current().endpoints().get(reviews);
    var ratingsBefore = store.current().endpoints().get(ratings);

    // A full response: equal but new instances for the unchanged one.
    source.accept(ResourceType.ENDPOINT, XdsResource.of(java.util.Map.of(reviews, assignment(reviews, "10.1.0.1"),
        ratings, assignment(ratings, "10.1.0.3"))));
    org.junit.jupiter.api.Assertions.assertSame(reviewsBefore, store.current().endpoints().get(reviews));
    assertTrue(ratingsBefore != store.current().endpoints().get(ratings));
    assertEquals("10.1.0.3", store.current().endpoints().get(ratings).endpoints().get(0).address().getHostString());
  }

  /** The resources by name, in name order (so that the test knows which one a rejection stops at). */
  private static java.util.Map<String, com.google.protobuf.Message> byName(List<? extends com.google.protobuf.Message> resources) {
    java.util.Map<String, com.google.protobuf.Message> out = new java.util.TreeMap<>();
    for (var m : resources) {
      out.put((String) m.getField(m.getDescriptorForType().findFieldByName("name")), m);
    }
    return out;
  }

  /** Equal to the message but another instance, decoded from the wire as a full response's copy is. */
  @SuppressWarnings("unchecked")
  private static <T extends com.google.protobuf.Message> T decodedAgain(T message) throws Exception {
    return (T) message.getParserForType().parseFrom(message.toByteArray());
  }

  /**
   * A CDS push re-sends every cluster: equal ones keep their ClusterSpec, a changed one gets a new
   * one, and a rejected push neither changes the store nor what the next push may reuse.
   */
  @Test
  void anUnchangedClusterKeepsItsTranslationAndARejectedPushChangesNothing() throws Exception {
    List<Cluster> clusters = all("clusters.json", Cluster.class);
    ConfigStore store = new ConfigStore();
    XdsConfigSource source = new XdsConfigSource(store, (type, names) -> { });
    source.accept(ResourceType.CLUSTER, XdsResource.of(byName(clusters)));
    var before = store.current().clusters();

    String reviews = "outbound|9080|v3|reviews.default.svc.cluster.local";
    List<Cluster> next = new ArrayList<>();
    for (Cluster c : clusters) {
      next.add(c.getName().equals(reviews)
          ? c.toBuilder().setConnectTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(7)).build()
          : decodedAgain(c));
    }
    source.accept(ResourceType.CLUSTER, XdsResource.of(byName(next)));
    var after = store.current().clusters();
    for (Cluster c : clusters) {
      if (c.getName().equals(reviews)) {
        org.junit.jupiter.api.Assertions.assertNotSame(before.get(reviews), after.get(reviews));
        assertEquals(java.time.Duration.ofSeconds(7), after.get(reviews).connectTimeout());
      } else {
        org.junit.jupiter.api.Assertions.assertSame(before.get(c.getName()), after.get(c.getName()), c.getName());
      }
    }

    // The first version of reviews again, then (last, in name order) a cluster that rejects the push.
    List<Cluster> rejected = new ArrayList<>(clusters);
    rejected.add(Cluster.newBuilder().setName("zz-aggregate")
        .setClusterType(Cluster.CustomClusterType.newBuilder().setName("envoy.clusters.aggregate")).build());
    org.junit.jupiter.api.Assertions.assertThrows(RejectedUpdate.class,
        () -> source.accept(ResourceType.CLUSTER, XdsResource.of(byName(rejected))));
    org.junit.jupiter.api.Assertions.assertSame(after, store.current().clusters(), "the previous clusters stay");
    source.accept(ResourceType.CLUSTER, XdsResource.of(byName(next)));
    org.junit.jupiter.api.Assertions.assertSame(after.get(reviews), store.current().clusters().get(reviews),
        "what the rejected push translated did not replace the translation in force");
  }

  /**
   * Resources known by their bytes (sent again as the bytes in force, or left out of a partial
   * response) are translated from the memo and never parsed: the client keeps no parsed message,
   * so parsing them would cost what keeping them as bytes saves.
   */
  @Test
  void resourcesKnownByTheirBytesAreNotParsed() throws Exception {
    ConfigStore store = new ConfigStore();
    XdsConfigSource source = new XdsConfigSource(store, (type, names) -> { });
    java.util.Map<ResourceType, java.util.Map<String, ? extends com.google.protobuf.Message>> mesh = new java.util.EnumMap<>(
        ResourceType.class);
    mesh.put(ResourceType.LISTENER, byName(all("listeners.json", Listener.class)));
    mesh.put(ResourceType.CLUSTER, byName(all("clusters.json", Cluster.class)));
    ClusterLoadAssignment cla = dev.outrigger.xds.translate.TestResources.load("endpoints-reviews-v3.json",
        ClusterLoadAssignment.newBuilder()).build();
    mesh.put(ResourceType.ENDPOINT, java.util.Map.of(cla.getClusterName(), cla));
    mesh.put(ResourceType.ROUTE, java.util.Map.of("9080", route9080()));
    for (var e : mesh.entrySet()) {
      java.util.Map<String, XdsResource> first = XdsResource.of(e.getValue());
      source.accept(e.getKey(), first);
      MeshConfig before = store.current();
      java.util.Map<String, XdsResource> again = new java.util.HashMap<>();
      first.forEach((name, r) -> again.put(name, XdsResource.of(e.getKey(), r.sent())));
      source.accept(e.getKey(), again);
      again.forEach((name, r) -> org.junit.jupiter.api.Assertions.assertFalse(r.isParsed(), e.getKey() + " " + name));
      MeshConfig after = store.current();
      List<?> translatedBefore = translations(e.getKey(), before);
      List<?> translatedAfter = translations(e.getKey(), after);
      assertTrue(!translatedBefore.isEmpty(), e.getKey() + ": the test needs resources");
      assertEquals(translatedBefore.size(), translatedAfter.size(), e.getKey().name());
      for (int i = 0; i < translatedBefore.size(); i++) {
        org.junit.jupiter.api.Assertions.assertSame(translatedBefore.get(i), translatedAfter.get(i), e.getKey() + " " + i);
      }
    }
  }

  /**
   * Resources are parsed when translated, not when received: one whose bytes break inside a nested
   * message rejects its update there, and the clusters in force stay.
   */
  @Test
  void aResourceThatDoesNotParseRejectsItsUpdate() throws Exception {
    ConfigStore store = new ConfigStore();
    XdsConfigSource source = new XdsConfigSource(store, (type, names) -> { });
    java.util.Map<String, XdsResource> clusters = XdsResource.of(byName(all("clusters.json", Cluster.class)));
    source.accept(ResourceType.CLUSTER, clusters);
    var inForce = store.current().clusters();
    java.util.Map<String, XdsResource> broken = new java.util.HashMap<>(clusters);
    broken.put("zz-broken", XdsResource.of(ResourceType.CLUSTER, ResourceTypeTest.brokenCluster("zz-broken")));
    RejectedUpdate e = org.junit.jupiter.api.Assertions.assertThrows(RejectedUpdate.class,
        () -> source.accept(ResourceType.CLUSTER, broken));
    assertTrue(e.getMessage().startsWith("a " + ResourceType.CLUSTER.typeUrl() + " resource that does not parse as CLUSTER: "),
        e.getMessage());
    org.junit.jupiter.api.Assertions.assertSame(inForce, store.current().clusters());
  }

  /** The translations of one type in a configuration, in a stable order. */
  private static List<?> translations(ResourceType type, MeshConfig config) {
    return switch (type) {
      case LISTENER -> config.listeners().listeners().stream()
          .sorted(java.util.Comparator.comparing(dev.outrigger.core.route.listener.ListenerSpec::name)).toList();
      case CLUSTER -> List.copyOf(new java.util.TreeMap<>(config.clusters()).values());
      case ENDPOINT -> List.copyOf(new java.util.TreeMap<>(config.endpoints()).values());
      default -> config.route("9080").orElseThrow().virtualHosts();
    };
  }

  /** A changed route configuration whose new virtual host does not parse is rejected; the table in force stays. */
  @Test
  void aVirtualHostThatDoesNotParseRejectsItsTable() throws Exception {
    RouteConfiguration route = route9080();
    ConfigStore store = new ConfigStore();
    XdsConfigSource source = new XdsConfigSource(store, (type, names) -> { });
    source.accept(ResourceType.ROUTE, XdsResource.of(java.util.Map.of("9080", route)));
    var inForce = store.current().route("9080").orElseThrow();
    // The configuration's bytes and one more virtual host whose domains field holds a broken string.
    com.google.protobuf.ByteString brokenHost = com.google.protobuf.ByteString.copyFrom(new byte[] {
        (byte) (io.envoyproxy.envoy.config.route.v3.VirtualHost.DOMAINS_FIELD_NUMBER << 3 | 2), 2, (byte) 0xC3, (byte) 0x28});
    com.google.protobuf.ByteString bytes = route.toByteString().concat(com.google.protobuf.ByteString.copyFrom(new byte[] {
        (byte) (RouteConfiguration.VIRTUAL_HOSTS_FIELD_NUMBER << 3 | 2), (byte) brokenHost.size()})).concat(brokenHost);
    com.google.protobuf.Any sent = com.google.protobuf.Any.newBuilder().setTypeUrl(ResourceType.ROUTE.typeUrl()).setValue(bytes)
        .build();
    RejectedUpdate e = org.junit.jupiter.api.Assertions.assertThrows(RejectedUpdate.class,
        () -> source.accept(ResourceType.ROUTE, java.util.Map.of("9080", XdsResource.of(ResourceType.ROUTE, sent))));
    assertTrue(e.getMessage().startsWith("route configuration 9080: a virtual host that does not parse: "), e.getMessage());
    org.junit.jupiter.api.Assertions.assertSame(inForce, store.current().route("9080").orElseThrow());
  }

  @Test
  void unchangedListenersKeepTheirTranslation() throws Exception {
    List<Listener> listeners = all("listeners.json", Listener.class);
    ConfigStore store = new ConfigStore();
    XdsConfigSource source = new XdsConfigSource(store, (type, names) -> { });
    source.accept(ResourceType.LISTENER, XdsResource.of(byName(listeners)));
    var before = store.current().listeners().listeners();
    List<Listener> again = new ArrayList<>();
    for (Listener l : listeners) {
      again.add(decodedAgain(l));
    }
    source.accept(ResourceType.LISTENER, XdsResource.of(byName(again)));
    var after = store.current().listeners().listeners();
    assertEquals(before.size(), after.size());
    for (int i = 0; i < before.size(); i++) {
      org.junit.jupiter.api.Assertions.assertSame(before.get(i), after.get(i));
    }
  }

  /**
   * istiod sends one route configuration per port with a virtual host per service: a changed
   * configuration translates the virtual hosts that changed; the others keep theirs, and the
   * table still finds each by its domains. A rejected configuration changes neither.
   */
  @Test
  void aChangedVirtualHostIsTranslatedAloneAndARejectedTableChangesNothing() throws Exception {
    RouteConfiguration route = route9080();
    ConfigStore store = new ConfigStore();
    XdsConfigSource source = new XdsConfigSource(store, (type, names) -> { });
    source.accept(ResourceType.ROUTE, XdsResource.of(java.util.Map.of("9080", route)));
    var first = store.current().route("9080").orElseThrow();
    source.accept(ResourceType.ROUTE, XdsResource.of(java.util.Map.of("9080", decodedAgain(route))));
    assertEquals(first.virtualHosts(), store.current().route("9080").orElseThrow().virtualHosts(), "an equal table");
    for (int i = 0; i < first.virtualHosts().size(); i++) {
      org.junit.jupiter.api.Assertions.assertSame(first.virtualHosts().get(i),
          store.current().route("9080").orElseThrow().virtualHosts().get(i));
    }

    // reviews (index 1) gets another timeout; a service is added before the catch-all.
    RouteConfiguration.Builder b = decodedAgain(route).toBuilder();
    b.getVirtualHostsBuilder(1).getRoutesBuilder(0).getRouteBuilder()
        .setTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(3));
    b.addVirtualHosts(3, route.getVirtualHosts(2).toBuilder().setName("details.default.svc.cluster.local:9080")
        .clearDomains().addDomains("details").addDomains("details:9080"));
    RouteConfiguration changed = b.build();
    source.accept(ResourceType.ROUTE, XdsResource.of(java.util.Map.of("9080", changed)));
    var second = store.current().route("9080").orElseThrow();
    List<dev.outrigger.core.route.table.VirtualHost> hosts1 = first.virtualHosts();
    List<dev.outrigger.core.route.table.VirtualHost> hosts2 = second.virtualHosts();
    org.junit.jupiter.api.Assertions.assertSame(hosts1.get(0), hosts2.get(0));
    org.junit.jupiter.api.Assertions.assertNotSame(hosts1.get(1), hosts2.get(1));
    org.junit.jupiter.api.Assertions.assertSame(hosts1.get(2), hosts2.get(2));
    org.junit.jupiter.api.Assertions.assertSame(hosts1.get(3), hosts2.get(4), "the catch-all, after the new host");
    org.junit.jupiter.api.Assertions.assertSame(hosts2.get(1), second.virtualHost("reviews:9080").orElseThrow());
    assertEquals(java.time.Duration.ofSeconds(3), second.virtualHost("reviews").orElseThrow().routes().get(0).timeout());
    assertEquals("details.default.svc.cluster.local:9080", second.virtualHost("details").orElseThrow().name());
    org.junit.jupiter.api.Assertions.assertSame(hosts2.get(0), second.virtualHost("productpage").orElseThrow());
    assertEquals("allow_any", second.virtualHost("httpbin.org").orElseThrow().name());

    // productpage changed, and a domain in two virtual hosts: the table is rejected as a whole.
    RouteConfiguration.Builder bad = decodedAgain(changed).toBuilder();
    bad.getVirtualHostsBuilder(0).getRoutesBuilder(0).getRouteBuilder()
        .setTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(4));
    bad.getVirtualHostsBuilder(2).addDomains("reviews");
    org.junit.jupiter.api.Assertions.assertThrows(RejectedUpdate.class,
        () -> source.accept(ResourceType.ROUTE, XdsResource.of(java.util.Map.of("9080", bad.build()))));
    org.junit.jupiter.api.Assertions.assertSame(second, store.current().route("9080").orElseThrow());

    // The next good table (ratings changed) reuses what was in force, not what the rejected one translated.
    RouteConfiguration.Builder good = decodedAgain(changed).toBuilder();
    good.getVirtualHostsBuilder(2).getRoutesBuilder(0).getRouteBuilder()
        .setTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(5));
    source.accept(ResourceType.ROUTE, XdsResource.of(java.util.Map.of("9080", good.build())));
    var third = store.current().route("9080").orElseThrow();
    org.junit.jupiter.api.Assertions.assertSame(hosts2.get(0), third.virtualHosts().get(0), "productpage");
    org.junit.jupiter.api.Assertions.assertSame(hosts2.get(1), third.virtualHosts().get(1), "reviews");
    org.junit.jupiter.api.Assertions.assertNotSame(hosts2.get(2), third.virtualHosts().get(2), "ratings");
  }

  /** istiod puts a virtual host "allow_any" in the table of every port: one table's is not another's. */
  @Test
  void virtualHostsOfTheSameNameInTwoTablesAreKeptApart() throws Exception {
    RouteConfiguration route9080 = route9080();
    RouteConfiguration.Builder b = route9080.toBuilder().setName("8080");
    b.getVirtualHostsBuilder(1).getRoutesBuilder(0).getRouteBuilder()
        .setTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(3));
    RouteConfiguration route8080 = b.build();
    ConfigStore store = new ConfigStore();
    XdsConfigSource source = new XdsConfigSource(store, (type, names) -> { });
    source.accept(ResourceType.ROUTE, XdsResource.of(java.util.Map.of("9080", route9080, "8080", route8080)));
    var reviews9080 = store.current().route("9080").orElseThrow().virtualHost("reviews").orElseThrow();
    var reviews8080 = store.current().route("8080").orElseThrow().virtualHost("reviews").orElseThrow();
    org.junit.jupiter.api.Assertions.assertNotSame(reviews9080, reviews8080);
    assertEquals(java.time.Duration.ofSeconds(3), reviews8080.routes().get(0).timeout());

    source.accept(ResourceType.ROUTE, XdsResource.of(java.util.Map.of("9080", decodedAgain(route9080), "8080", decodedAgain(route8080))));
    org.junit.jupiter.api.Assertions.assertSame(reviews9080,
        store.current().route("9080").orElseThrow().virtualHost("reviews").orElseThrow());
    org.junit.jupiter.api.Assertions.assertSame(reviews8080,
        store.current().route("8080").orElseThrow().virtualHost("reviews").orElseThrow());
  }
}
