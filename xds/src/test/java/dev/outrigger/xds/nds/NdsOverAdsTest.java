package dev.outrigger.xds.nds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.stub.StreamObserver;
import dev.outrigger.xds.AdsClient;
import dev.outrigger.xds.ResourceType;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * NDS on a real gRPC ADS stream: the client asks for istiod's name table only once subscribed,
 * reads it, and ACKs it.
 */
class NdsOverAdsTest {
  private final List<String> requestedTypes = new CopyOnWriteArrayList<>();
  private final AtomicReference<Map<String, dev.outrigger.xds.XdsResource>> received = new AtomicReference<>();
  private Server server;
  private ManagedChannel channel;
  private AdsClient client;

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.shutdownNow();
    }
  }

  /**
   * A minimal ADS server of the test's own: java-control-plane's cannot send a type that is not
   * Envoy's ("Unsupported API version for type URL ...NameTable"). Answers NDS once, records ACKs.
   */
  private final List<DiscoveryRequest> ndsRequests = new CopyOnWriteArrayList<>();
  private final AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceImplBase ads =
      new AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceImplBase() {
        @Override
        public StreamObserver<DiscoveryRequest> streamAggregatedResources(StreamObserver<DiscoveryResponse> responses) {
          return new StreamObserver<>() {
            @Override
            public void onNext(DiscoveryRequest request) {
              requestedTypes.add(request.getTypeUrl());
              if (!request.getTypeUrl().equals(NameTables.TYPE_URL)) {
                return;
              }
              ndsRequests.add(request);
              if (request.getResponseNonce().isEmpty()) {
                DynamicMessage table = NameTables.message(Map.of("api.example.com",
                    new NameTables.NameEntry(List.of("240.240.0.1"), "External", "", "", List.of())));
                responses.onNext(DiscoveryResponse.newBuilder().setTypeUrl(NameTables.TYPE_URL).setVersionInfo("1")
                    .setNonce("n1").addResources(Any.pack(table)).build());
              }
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
              responses.onCompleted();
            }
          };
        }
      };

  @Test
  void nameTableIsAskedForOnlyWhenSubscribedAndArrivesParsed() throws Exception {
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(ads).build().start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    client = new AdsClient(channel, Node.newBuilder().setId("sidecar~10.0.0.1~a.default~default.svc.cluster.local").build(),
        (type, resources) -> {
          if (type == ResourceType.NAME_TABLE) {
            received.set(resources);
          }
        });
    client.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (requestedTypes.size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(requestedTypes.stream().noneMatch(NameTables.TYPE_URL::equals), "not asked for by default: " + requestedTypes);

    client.subscribe(ResourceType.NAME_TABLE, Set.of());
    while (received.get() == null && System.nanoTime() < deadline + Duration.ofSeconds(5).toNanos()) {
      Thread.sleep(20);
    }
    Map<String, NameTables.NameEntry> hosts = NameTables.entries(received.get().values().iterator().next().message());
    assertEquals(List.of("240.240.0.1"), hosts.get("api.example.com").ips());
    assertEquals("1", client.snapshot().types().get(ResourceType.NAME_TABLE).version());
    while (ndsRequests.size() < 2 && System.nanoTime() < deadline + Duration.ofSeconds(10).toNanos()) {
      Thread.sleep(20);
    }
    DiscoveryRequest ack = ndsRequests.get(1);
    assertEquals("n1", ack.getResponseNonce());
    assertEquals("1", ack.getVersionInfo());
    assertTrue(!ack.hasErrorDetail(), "an ACK, not a NACK: " + ack);
  }
}
