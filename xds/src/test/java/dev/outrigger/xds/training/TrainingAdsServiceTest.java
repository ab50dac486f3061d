package dev.outrigger.xds.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.core.config.ConfigStore;
import dev.outrigger.core.config.MeshConfig;
import dev.outrigger.core.route.listener.ListenerSpec;
import dev.outrigger.xds.AdsClient;
import dev.outrigger.xds.ResourceType;
import dev.outrigger.xds.XdsConfigSource;
import dev.outrigger.xds.XdsListener;
import dev.outrigger.xds.nds.NameTables;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The training control plane against the proxy's own ADS client and translation: every type of
 * the training mesh is applied and ACKed, nothing is NACKed (a NACK would leave the training
 * proxy unready, or train less than production loads).
 */
class TrainingAdsServiceTest {
  private final TrainingAdsService service = new TrainingAdsService(TrainingMesh.create());
  private final ConfigStore store = new ConfigStore();
  private final Map<ResourceType, String> accepted = new ConcurrentHashMap<>();
  private final Map<ResourceType, String> rejected = new ConcurrentHashMap<>();
  private final AtomicReference<Map<String, NameTables.NameEntry>> nameTable = new AtomicReference<>();
  private Server server;
  private ManagedChannel channel;
  private AdsClient client;

  @BeforeEach
  void start() throws Exception {
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service).build().start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    AdsClient[] self = new AdsClient[1];
    XdsListener listener = new XdsListener() {
      @Override
      public void accepted(ResourceType type, String version, int resources) {
        accepted.put(type, version);
      }

      @Override
      public void rejected(ResourceType type, String version, String message) {
        rejected.put(type, message);
      }
    };
    self[0] = new AdsClient(channel, Node.newBuilder().setId("sidecar~127.0.0.1~training.default~default.svc.cluster.local").build(),
        new XdsConfigSource(store, (type, names) -> self[0].subscribe(type, names), nameTable::set), listener);
    client = self[0];
    client.start();
    client.subscribe(ResourceType.NAME_TABLE, Set.of());
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void everyTypeIsAppliedAndAckedWithoutANack() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while ((accepted.size() < ResourceType.values().length || service.acks() < ResourceType.values().length)
        && rejected.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(Map.of(), rejected);
    assertEquals(Set.of(ResourceType.values()), accepted.keySet());
    accepted.values().forEach(v -> assertEquals(TrainingMesh.VERSION, v));
    assertTrue(service.acks() >= ResourceType.values().length, "ACKs: " + service.acks());
    assertEquals(0, service.nacks());

    MeshConfig config = store.current();
    assertEquals(Set.of("virtualOutbound", "virtualInbound", "0.0.0.0_8080"),
        config.listeners().listeners().stream().map(ListenerSpec::name).collect(Collectors.toSet()));
    assertEquals(TrainingMesh.create().names(ResourceType.CLUSTER), config.clusters().keySet());
    assertEquals(Set.of(TrainingMesh.ROUTE_NAME), config.routes().keySet());
    assertEquals(2, config.endpoints().get(TrainingMesh.OUTBOUND_CLUSTER).endpoints().size());
    assertEquals(Set.of(TrainingMesh.HOST), nameTable.get().keySet());
  }

  @Test
  void aNackIsCountedAndNotAnsweredAgain() throws Exception {
    ManagedChannel second = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    AdsClient refusing = new AdsClient(second, Node.newBuilder().setId("sidecar~127.0.0.1~b.default~default.svc.cluster.local").build(),
        (type, resources) -> {
          if (type == ResourceType.LISTENER) {
            throw new dev.outrigger.xds.RejectedUpdate("listeners refused by this test");
          }
        });
    try {
      refusing.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (service.nacks() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      Thread.sleep(300); // an answer to the NACK would be NACKed again
      assertEquals(1, service.nacks());
    } finally {
      refusing.close();
      second.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
