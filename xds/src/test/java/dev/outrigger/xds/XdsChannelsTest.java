package dev.outrigger.xds;

import dev.outrigger.core.tls.OpensslMeshCa;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.TlsServerCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The istiod channel against an xDS server with a certificate from a test mesh CA (made by
 * openssl): TLS verified against the root by istiod's name, the token and cluster id on each call.
 */
class XdsChannelsTest {
  @TempDir
  Path dir;

  @Test
  void connectsOverTlsWithTheTokenAndTheClusterId() throws Exception {
    OpensslMeshCa.Leaf istiod = OpensslMeshCa.create(dir, "mesh").issue("istiod", "/O=cluster.local",
        "DNS:istiod.istio-system.svc");
    Files.writeString(dir.resolve("istiod-cert.pem"), istiod.chainPem());
    Files.copy(istiod.key(), dir.resolve("istiod-key.pem"));
    Files.copy(istiod.ca().root(), dir.resolve("root-cert.pem"));
    Path token = Files.writeString(dir.resolve("istio-token"), "header.payload.signature\n");

    List<Metadata> seen = new CopyOnWriteArrayList<>();
    ServerInterceptor recordHeaders = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        seen.add(headers);
        return next.startCall(call, headers);
      }
    };
    SimpleCache<String> cache = new SimpleCache<>(node -> "g");
    cache.setSnapshot("g", Snapshot.create(List.of(Cluster.newBuilder().setName("c").build()), List.of(), List.of(),
        List.of(), List.of(), "1"));
    Server server = Grpc.newServerBuilderForPort(0, TlsServerCredentials.create(dir.resolve("istiod-cert.pem").toFile(),
            dir.resolve("istiod-key.pem").toFile()))
        .addService(ServerInterceptors.intercept(new V3DiscoveryServer(cache).getAggregatedDiscoveryServiceImpl(),
            recordHeaders))
        .build().start();
    ManagedChannel channel = XdsChannels.istiod("127.0.0.1:" + server.getPort(), "istiod.istio-system.svc",
        dir.resolve("root-cert.pem"), token, "Kubernetes");
    List<String> clusters = new CopyOnWriteArrayList<>();
    try (AdsClient client = new AdsClient(channel, Node.newBuilder().setId("sidecar~1.2.3.4~p.ns~ns.svc.cluster.local").build(),
        (type, resources) -> clusters.addAll(resources.keySet()))) {
      client.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (clusters.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
    } finally {
      channel.shutdownNow();
      server.shutdownNow();
    }
    assertEquals(List.of("c"), clusters);
    assertTrue(!seen.isEmpty());
    assertEquals("Bearer header.payload.signature", seen.get(0).get(XdsChannels.AUTHORIZATION));
    assertEquals("Kubernetes", seen.get(0).get(XdsChannels.CLUSTER_ID));
  }

  @Test
  void aResponseLargerThanGrpcsDefaultLimitIsReceivedAsIstiodsCanBe() throws Exception {
    // A large mesh's CDS is tens of MiB; pilot-agent sets no receive limit.
    Cluster big = Cluster.newBuilder().setName("big").setAltStatName("x".repeat(6 * 1024 * 1024)).build();
    SimpleCache<String> cache = new SimpleCache<>(node -> "g");
    cache.setSnapshot("g", Snapshot.create(List.of(big), List.of(), List.of(), List.of(), List.of(), "1"));
    Server server = Grpc.newServerBuilderForPort(0, io.grpc.InsecureServerCredentials.create())
        .addService(new V3DiscoveryServer(cache).getAggregatedDiscoveryServiceImpl()).build().start();
    ManagedChannel channel = XdsChannels.plaintext("127.0.0.1:" + server.getPort());
    List<String> clusters = new CopyOnWriteArrayList<>();
    try (AdsClient client = new AdsClient(channel, Node.newBuilder().setId("sidecar~1.2.3.4~p.ns~ns.svc.cluster.local").build(),
        (type, resources) -> clusters.addAll(resources.keySet()))) {
      client.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (clusters.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
    } finally {
      channel.shutdownNow();
      server.shutdownNow();
    }
    assertEquals(List.of("big"), clusters);
  }

  @Test
  void aStreamsEndIsOneLineWithItsInnermostCause() {
    Throwable tls = io.grpc.Status.UNAVAILABLE.withDescription("io exception").withCause(new IOException("handshake",
        new java.security.cert.CertificateException("No subject alternative DNS name matching x found."))).asRuntimeException();
    assertEquals("UNAVAILABLE: io exception (CertificateException: No subject alternative DNS name matching x found.)",
        AdsClient.describe(tls));
  }
}
