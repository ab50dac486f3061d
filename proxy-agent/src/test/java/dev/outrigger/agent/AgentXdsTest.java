package dev.outrigger.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.Pipe;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A real agent driven over ADS by java-control-plane's xDS server (a real server no one here
 * wrote) on loopback: readiness waits for the first listeners and clusters and then holds while
 * the server is away; /config_dump, /clusters, /stats and the Prometheus port show what arrived.
 */
class AgentXdsTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String REVIEWS = "outbound|9080||reviews.default.svc.cluster.local";
  private final SimpleCache<String> cache = new SimpleCache<>(node -> "sidecars");
  private final List<DiscoveryRequest> requests = new CopyOnWriteArrayList<>();
  private Server server;
  private Agent agent;

  private void startServer(int port) throws Exception {
    DiscoveryServerCallbacks callbacks = new DiscoveryServerCallbacks() {
      @Override
      public void onV3StreamRequest(long streamId, DiscoveryRequest request) {
        requests.add(request);
      }

      @Override
      public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) {}
    };
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
        .addService(new V3DiscoveryServer(callbacks, cache).getAggregatedDiscoveryServiceImpl()).build().start();
  }

  /** An agent pointed at the server as Istio's injector would point it, with plaintext by controlPlaneAuthPolicy. */
  private void startAgent() throws Exception {
    startAgent("{\"discoveryAddress\":\"127.0.0.1:" + server.getPort() + "\",\"controlPlaneAuthPolicy\":\"NONE\"}");
  }

  private void startAgent(String proxyConfig) throws Exception {
    Map<String, String> env = new HashMap<>(Map.of(
        "OUTRIGGER_OUTBOUND_PORT", "0", "OUTRIGGER_INBOUND_PORT", "0",
        "OUTRIGGER_STATUS_PORT", "0", "OUTRIGGER_ADMIN_PORT", "0",
        "OUTRIGGER_PROMETHEUS_PORT", "0", "OUTRIGGER_AGENT_PORT", "0",
        "OUTRIGGER_INBOUND_MODE", "loopback", "OUTRIGGER_DRAIN_DURATION", "0s"));
    env.putAll(Map.of("POD_NAME", "productpage-v1-1", "POD_NAMESPACE", "default", "INSTANCE_IP", "10.244.0.5",
        "PROXY_CONFIG", proxyConfig));
    agent = new Agent(AgentConfig.fromEnvironment(env, PodInfo.NONE));
    agent.start();
  }

  @AfterEach
  void stop() throws Exception {
    if (agent != null) {
      agent.requestExit("test");
      agent.awaitExitAndDrain();
    }
    if (server != null) {
      server.shutdownNow().awaitTermination();
    }
  }

  private static Snapshot snapshot(String version, String endpointIp, Listener... extraListeners) {
    Cluster reviews = Cluster.newBuilder().setName(REVIEWS).setType(Cluster.DiscoveryType.EDS)
        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setServiceName(REVIEWS)).build();
    Cluster passthrough = Cluster.newBuilder().setName("PassthroughCluster")
        .setType(Cluster.DiscoveryType.ORIGINAL_DST).setLbPolicy(Cluster.LbPolicy.CLUSTER_PROVIDED).build();
    ClusterLoadAssignment endpoints = ClusterLoadAssignment.newBuilder().setClusterName(REVIEWS)
        .addEndpoints(LocalityLbEndpoints.newBuilder()
            .setLocality(Locality.newBuilder().setRegion("eu-west1").setZone("eu-west1-b"))
            .addLbEndpoints(endpoint(endpointIp, HealthStatus.HEALTHY))
            .addLbEndpoints(endpoint("10.1.2.4", HealthStatus.UNHEALTHY)))
        .build();
    Listener listener = Listener.newBuilder().setName("0.0.0.0_9080")
        .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress("0.0.0.0").setPortValue(9080)))
        .addFilterChains(FilterChain.newBuilder().addFilters(Filter.newBuilder().setName("envoy.filters.network.tcp_proxy")
            .setTypedConfig(Any.pack(TcpProxy.newBuilder().setStatPrefix(REVIEWS).setCluster(REVIEWS).build()))))
        .build();
    List<Listener> listeners = new java.util.ArrayList<>(List.of(listener));
    listeners.addAll(List.of(extraListeners));
    return Snapshot.create(List.of(reviews, passthrough), List.of(endpoints), listeners, List.of(), List.of(), version);
  }

  private static LbEndpoint endpoint(String ip, HealthStatus health) {
    return LbEndpoint.newBuilder().setHealthStatus(health).setLoadBalancingWeight(UInt32Value.of(1))
        .setEndpoint(Endpoint.newBuilder().setAddress(Address.newBuilder()
            .setSocketAddress(SocketAddress.newBuilder().setAddress(ip).setPortValue(9080))))
        .build();
  }

  @Test
  void readyOnceTheFirstListenersAndClustersAreAppliedAndShowsThem() throws Exception {
    startServer(0);
    startAgent();
    HttpResponse<String> before = get(agent.statusPort(), "/healthz/ready");
    assertEquals(503, before.statusCode());
    assertTrue(before.body().contains("config not received from XDS server (is Istiod running?)"), before.body());

    cache.setSnapshot("sidecars", snapshot("v1", "10.1.2.3"));
    await("readiness", () -> get(agent.statusPort(), "/healthz/ready").statusCode() == 200);
    assertEquals(200, get(agent.adminPort(), "/ready").statusCode());

    String clusters = get(agent.adminPort(), "/clusters").body();
    assertTrue(clusters.contains(REVIEWS + "::observability_name::" + REVIEWS + "\n"), clusters);
    assertTrue(clusters.contains(REVIEWS + "::default_priority::max_connections::"), clusters);
    assertTrue(clusters.contains(REVIEWS + "::added_via_api::true\n"), clusters);
    assertTrue(clusters.contains(REVIEWS + "::10.1.2.3:9080::health_flags::healthy\n"), clusters);
    assertTrue(clusters.contains(REVIEWS + "::10.1.2.4:9080::health_flags::/failed_eds_health\n"), clusters);
    assertTrue(clusters.contains(REVIEWS + "::10.1.2.3:9080::zone::eu-west1-b\n"), clusters);
    assertTrue(clusters.contains("PassthroughCluster::added_via_api::true\n"), clusters);
    String clustersJson = get(agent.adminPort(), "/clusters?format=json").body();
    assertTrue(clustersJson.contains("\"cluster_statuses\""), clustersJson);
    assertTrue(clustersJson.contains("\"eds_health_status\" : \"UNHEALTHY\""), clustersJson);

    String dump = get(agent.adminPort(), "/config_dump").body();
    assertTrue(dump.contains("\"@type\" : \"type.googleapis.com/envoy.admin.v3.ClustersConfigDump\""), dump);
    assertTrue(dump.contains("\"name\" : \"" + REVIEWS + "\""), dump);
    assertTrue(dump.contains("\"name\" : \"0.0.0.0_9080\""), dump);
    assertTrue(dump.contains("\"version_info\" : \"v1\""), dump);
    assertTrue(dump.contains("\"OUTRIGGER_INBOUND_MODE\" : \"loopback\""), dump);
    assertTrue(dump.contains("\"transport\" : \"plaintext\""), dump);
    assertTrue(!dump.contains("EndpointsConfigDump"), "endpoints only with ?include_eds, as Envoy");
    String withEds = get(agent.adminPort(), "/config_dump?include_eds").body();
    assertTrue(withEds.contains("\"@type\" : \"type.googleapis.com/envoy.admin.v3.EndpointsConfigDump\""), withEds);

    String stats = get(agent.adminPort(), "/stats").body();
    assertTrue(stats.contains("control_plane.connected_state: 1\n"), stats);
    assertTrue(stats.contains("listener_manager.lds.update_success: 1\n"), stats);
    assertTrue(stats.contains("cluster_manager.cds.update_success: 1\n"), stats);
    assertTrue(stats.contains("cluster_manager.cds.version_text: v1\n"), stats);
    String metrics = get(agent.prometheusPort(), "/stats/prometheus").body();
    assertTrue(metrics.contains("envoy_control_plane_connected_state 1.0"), metrics);
    assertTrue(metrics.contains("envoy_listener_manager_lds_update_success 1.0"), metrics);

    DiscoveryRequest first = requests.get(0);
    assertEquals("sidecar~10.244.0.5~productpage-v1-1.default~default.svc.cluster.local", first.getNode().getId());
  }

  @Test
  void staysReadyOnTheLastConfigurationWhileTheServerIsAwayAndCountsARejectedUpdate() throws Exception {
    startServer(0);
    int port = server.getPort();
    cache.setSnapshot("sidecars", snapshot("v1", "10.1.2.3"));
    startAgent();
    await("readiness", () -> get(agent.statusPort(), "/healthz/ready").statusCode() == 200);

    server.shutdownNow().awaitTermination();
    await("the disconnect", () -> get(agent.adminPort(), "/stats").body().contains("control_plane.connected_state: 0\n"));
    assertEquals(200, get(agent.statusPort(), "/healthz/ready").statusCode(), "the last good config serves");
    assertTrue(get(agent.adminPort(), "/clusters").body().contains(REVIEWS + "::10.1.2.3:9080::health_flags::healthy"));

    // Back, with a listener this proxy cannot apply: NACKed, counted, and the v1 listeners stay.
    Listener pipe = Listener.newBuilder().setName("unix")
        .setAddress(Address.newBuilder().setPipe(Pipe.newBuilder().setPath("/tmp/x.sock"))).build();
    cache.setSnapshot("sidecars", snapshot("v2", "10.1.2.5", pipe));
    startServer(port);
    // java-control-plane answers every NACK with the same update again, so the count goes on rising.
    await("the NACK", () -> stat(get(agent.adminPort(), "/stats").body(), "listener_manager.lds.update_rejected") > 0);
    String stats = get(agent.adminPort(), "/stats").body();
    assertTrue(stats.contains("control_plane.connected_state: 1\n"), stats);
    assertTrue(stats.contains("listener_manager.lds.version_text: v1\n"), stats);
    assertTrue(stats.contains("cluster_manager.cds.version_text: v2\n"), stats);
    // The rejection is counted when it is decided; the NACK carrying it reaches the server a moment later.
    await("the NACK's error detail at the server", () -> requests.stream().anyMatch(r -> r.hasErrorDetail()
        && r.getErrorDetail().getMessage().contains("listener unix: only socket addresses are supported")));
    await("the new endpoint", () -> get(agent.adminPort(), "/clusters").body().contains("::10.1.2.5:9080::"));
    assertEquals(200, get(agent.statusPort(), "/healthz/ready").statusCode());
    String dump = get(agent.adminPort(), "/config_dump").body();
    assertTrue(dump.contains("only socket addresses are supported"), dump);
  }

  @Test
  void withoutADiscoveryAddressTheDumpHasNoDynamicConfigAndThereAreNoClusters() throws Exception {
    startAgent("{\"holdApplicationUntilProxyStarts\": true}");
    assertEquals(200, get(agent.statusPort(), "/healthz/ready").statusCode());
    String dump = get(agent.adminPort(), "/config_dump").body();
    assertTrue(dump.contains("\"@type\" : \"type.googleapis.com/envoy.admin.v3.ListenersConfigDump\""), dump);
    assertTrue(!dump.contains("dynamic_listeners") && !dump.contains("dynamic_active_clusters"), dump);
    assertTrue(dump.contains("\"OUTRIGGER_XDS\" : \"off\""), dump);
    assertEquals("", get(agent.adminPort(), "/clusters").body());
    assertTrue(!get(agent.adminPort(), "/stats").body().contains("control_plane"));
  }

  private static long stat(String stats, String name) {
    return stats.lines().filter(l -> l.startsWith(name + ": ")).mapToLong(l -> Long.parseLong(l.substring(name.length() + 2)))
        .findFirst().orElseThrow(() -> new AssertionError("no " + name + " in " + stats));
  }

  private static void await(String what, Check condition) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  @FunctionalInterface
  private interface Check {
    boolean holds() throws Exception;
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
