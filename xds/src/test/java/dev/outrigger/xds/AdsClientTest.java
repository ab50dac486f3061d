package dev.outrigger.xds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The ADS client against java-control-plane's xDS server, a real ADS server on loopback. */
class AdsClientTest {
  private static final String GROUP = "sidecar";
  private final SimpleCache<String> cache = new SimpleCache<>(node -> GROUP);
  private final List<DiscoveryRequest> requests = new CopyOnWriteArrayList<>();
  private final Map<ResourceType, Map<String, XdsResource>> applied = new ConcurrentHashMap<>();
  private volatile String rejectCluster;
  private volatile String faultOnCluster;
  private Server server;
  private int port;
  private ManagedChannel channel;
  private AdsClient client;

  @BeforeEach
  void start() throws Exception {
    cache.setSnapshot(GROUP, snapshot("1", "reviews-v1", "10.1.0.1"));
    startServer(0);
    channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    Node node = Node.newBuilder().setId("sidecar~10.244.0.5~productpage-1.default~default.svc.cluster.local").build();
    client = new AdsClient(channel, node, (type, resources) -> {
      if (type == ResourceType.CLUSTER && rejectCluster != null && resources.containsKey(rejectCluster)) {
        throw new RejectedUpdate("cluster " + rejectCluster + ": unsupported");
      }
      if (type == ResourceType.CLUSTER && faultOnCluster != null && resources.containsKey(faultOnCluster)) {
        throw new IllegalStateException("a bug while applying " + faultOnCluster);
      }
      applied.put(type, resources);
    }, new Backoff(Duration.ofMillis(50), Duration.ofMillis(200)), java.time.Clock.systemUTC());
    client.start();
    client.subscribe(ResourceType.ENDPOINT, Set.of("outbound|9080||reviews.default.svc.cluster.local"));
    client.subscribe(ResourceType.ROUTE, Set.of("9080"));
  }

  private void startServer(int wanted) throws Exception {
    DiscoveryServerCallbacks callbacks = new DiscoveryServerCallbacks() {
      @Override
      public void onV3StreamRequest(long streamId, DiscoveryRequest request) {
        requests.add(request);
      }

      @Override
      public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) {}
    };
    V3DiscoveryServer discovery = new V3DiscoveryServer(callbacks, cache);
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", wanted))
        .addService(discovery.getAggregatedDiscoveryServiceImpl())
        .build()
        .start();
    port = server.getPort();
  }

  @AfterEach
  void stop() {
    client.close();
    channel.shutdownNow();
    server.shutdownNow();
  }

  private static Snapshot snapshot(String version, String clusterName, String endpointIp) {
    String eds = "outbound|9080||reviews.default.svc.cluster.local";
    Cluster cluster = Cluster.newBuilder().setName(eds).setType(Cluster.DiscoveryType.EDS).build();
    Cluster other = Cluster.newBuilder().setName(clusterName).build();
    ClusterLoadAssignment endpoints = ClusterLoadAssignment.newBuilder().setClusterName(eds)
        .addEndpoints(io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints.newBuilder()
            .addLbEndpoints(io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint.newBuilder()
                .setEndpoint(io.envoyproxy.envoy.config.endpoint.v3.Endpoint.newBuilder()
                    .setAddress(io.envoyproxy.envoy.config.core.v3.Address.newBuilder()
                        .setSocketAddress(io.envoyproxy.envoy.config.core.v3.SocketAddress.newBuilder()
                            .setAddress(endpointIp).setPortValue(9080))))))
        .build();
    Listener listener = Listener.newBuilder().setName("0.0.0.0_9080").build();
    RouteConfiguration route = RouteConfiguration.newBuilder().setName("9080").build();
    return Snapshot.create(List.of(cluster, other), List.of(endpoints), List.of(listener), List.of(route), List.of(),
        version);
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(10);
    }
  }

  private boolean acked(ResourceType type, String version) {
    return requests.stream().anyMatch(r -> r.getTypeUrl().equals(type.typeUrl()) && r.getVersionInfo().equals(version)
        && !r.getResponseNonce().isEmpty() && !r.hasErrorDetail());
  }

  @Test
  void receivesAllFourTypesAndAcksEach() throws Exception {
    for (ResourceType type : ResourceType.ENVOY_TYPES) {
      await(type + " ACK", () -> acked(type, "1"));
    }
    assertEquals(Set.of("outbound|9080||reviews.default.svc.cluster.local", "reviews-v1"),
        applied.get(ResourceType.CLUSTER).keySet());
    assertEquals(Set.of("9080"), applied.get(ResourceType.ROUTE).keySet());
    XdsSnapshot.TypeSnapshot endpoints = client.snapshot().types().get(ResourceType.ENDPOINT);
    assertEquals("1", endpoints.version());
    assertNull(endpoints.lastError());
    assertTrue(client.snapshot().connected());
  }

  @Test
  void anUpdateItCannotApplyIsNackedAndTheLastGoodOneStays() throws Exception {
    await("CDS ACK", () -> acked(ResourceType.CLUSTER, "1"));
    rejectCluster = "reviews-bad";
    cache.setSnapshot(GROUP, snapshot("2", "reviews-bad", "10.1.0.1"));

    await("CDS NACK", () -> requests.stream().anyMatch(r -> r.getTypeUrl().equals(ResourceType.CLUSTER.typeUrl())
        && r.hasErrorDetail()));
    DiscoveryRequest nack = requests.stream().filter(DiscoveryRequest::hasErrorDetail).findFirst().orElseThrow();
    assertEquals("1", nack.getVersionInfo(), "a NACK names the version still in force");
    assertEquals("cluster reviews-bad: unsupported", nack.getErrorDetail().getMessage());
    XdsSnapshot.TypeSnapshot clusters = client.snapshot().types().get(ResourceType.CLUSTER);
    assertEquals("1", clusters.version());
    assertTrue(clusters.resources().containsKey("reviews-v1"));
    assertEquals("cluster reviews-bad: unsupported", clusters.lastError());
  }

  /**
   * What a rejected update carried is not remembered as in force: when the server goes back to
   * the configuration in force, its resources are known as the bytes in force (the Any in force,
   * not the copy just read).
   */
  @Test
  void afterANackTheResourcesInForceAreThoseOfTheLastAcceptedUpdate() throws Exception {
    await("CDS ACK", () -> acked(ResourceType.CLUSTER, "1"));
    com.google.protobuf.Any inForce = applied.get(ResourceType.CLUSTER).get("reviews-v1").sent();
    rejectCluster = "reviews-bad";
    cache.setSnapshot(GROUP, snapshot("2", "reviews-bad", "10.1.0.1"));
    await("CDS NACK", () -> requests.stream().anyMatch(r -> r.getTypeUrl().equals(ResourceType.CLUSTER.typeUrl())
        && r.hasErrorDetail()));

    cache.setSnapshot(GROUP, snapshot("3", "reviews-v1", "10.1.0.1"));
    await("CDS v3 ACK", () -> acked(ResourceType.CLUSTER, "3"));
    org.junit.jupiter.api.Assertions.assertSame(inForce, applied.get(ResourceType.CLUSTER).get("reviews-v1").sent());
  }

  @Test
  void aFaultWhileApplyingIsNackedAsAnInternalErrorNotLeftUnanswered() throws Exception {
    await("CDS ACK", () -> acked(ResourceType.CLUSTER, "1"));
    faultOnCluster = "reviews-faulty";
    cache.setSnapshot(GROUP, snapshot("2", "reviews-faulty", "10.1.0.1"));

    await("CDS NACK", () -> requests.stream().anyMatch(r -> r.getTypeUrl().equals(ResourceType.CLUSTER.typeUrl())
        && r.hasErrorDetail()));
    DiscoveryRequest nack = requests.stream().filter(DiscoveryRequest::hasErrorDetail).findFirst().orElseThrow();
    assertEquals("internal error applying the update: java.lang.IllegalStateException: a bug while applying reviews-faulty",
        nack.getErrorDetail().getMessage());
    assertEquals("1", client.snapshot().types().get(ResourceType.CLUSTER).version());
  }

  @Test
  void anUpdateReplacesTheResourcesOfItsType() throws Exception {
    await("EDS ACK", () -> acked(ResourceType.ENDPOINT, "1"));
    cache.setSnapshot(GROUP, snapshot("2", "reviews-v1", "10.1.0.2"));
    await("EDS v2 ACK", () -> acked(ResourceType.ENDPOINT, "2"));
    ClusterLoadAssignment cla = (ClusterLoadAssignment) applied.get(ResourceType.ENDPOINT).values().iterator().next().message();
    assertEquals("10.1.0.2", cla.getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress().getSocketAddress().getAddress());
  }

  @Test
  void keepsTheLastConfigurationWhileTheServerIsAwayAndResubscribesWhenItIsBack() throws Exception {
    await("LDS ACK", () -> acked(ResourceType.LISTENER, "1"));
    server.shutdownNow().awaitTermination();
    await("the stream to end", () -> !client.snapshot().connected());
    assertEquals(Set.of("0.0.0.0_9080"), client.snapshot().types().get(ResourceType.LISTENER).resources().keySet());

    requests.clear();
    cache.setSnapshot(GROUP, snapshot("3", "reviews-v3", "10.1.0.3"));
    startServer(port);
    await("CDS v3 ACK after the server came back", () -> acked(ResourceType.CLUSTER, "3"));
    DiscoveryRequest first = requests.stream().filter(r -> r.getTypeUrl().equals(ResourceType.CLUSTER.typeUrl()))
        .findFirst().orElseThrow();
    assertEquals("1", first.getVersionInfo(), "a new stream says which version is in force");
    assertTrue(applied.get(ResourceType.CLUSTER).containsKey("reviews-v3"));
  }
}
