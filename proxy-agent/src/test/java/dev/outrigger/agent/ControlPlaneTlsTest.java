package dev.outrigger.agent;

import dev.outrigger.core.tls.OpensslMeshCa;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.core.config.ConfigStore;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The xDS part of the agent over TLS, as it dials istiod: the server's certificate is checked
 * against the mesh root for the authority's name, and each call carries the bearer token and the
 * ClusterID header. The server is java-control-plane's behind TLS with a certificate made here
 * by openssl, for istiod.istio-system.svc.
 */
class ControlPlaneTlsTest {
  private static final String ISTIOD = "istiod.istio-system.svc";
  @TempDir
  Path dir;
  private final Map<String, String> headers = new ConcurrentHashMap<>();
  private Server server;
  private ControlPlane controlPlane;

  @BeforeEach
  void startServer() throws Exception {
    Assumptions.assumeTrue(new File("/usr/bin/openssl").canExecute() || new File("/bin/openssl").canExecute(),
        "openssl makes the test certificates");
    OpensslMeshCa.Leaf istiod = OpensslMeshCa.create(dir, "mesh").issue("istiod", "/CN=istiod", "DNS:" + ISTIOD);
    Files.writeString(dir.resolve("istiod.pem"), istiod.chainPem());
    Files.copy(istiod.key(), dir.resolve("istiod.key"));
    Files.copy(istiod.ca().root(), dir.resolve("ca.pem"));
    Files.writeString(dir.resolve("istio-token"), "header.payload.signature\n");

    SimpleCache<String> cache = new SimpleCache<>(node -> "g");
    cache.setSnapshot("g", Snapshot.create(List.of(Cluster.newBuilder().setName("BlackHoleCluster")
        .setType(Cluster.DiscoveryType.STATIC).build()), List.of(), List.of(), List.of(), List.of(), "1"));
    ServerInterceptor capture = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata h, ServerCallHandler<Q, R> next) {
        headers.put("authorization", String.valueOf(h.get(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER))));
        headers.put("clusterid", String.valueOf(h.get(Metadata.Key.of("ClusterID", Metadata.ASCII_STRING_MARSHALLER))));
        headers.put(":authority", String.valueOf(call.getAuthority()));
        return next.startCall(call, h);
      }
    };
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .sslContext(GrpcSslContexts.forServer(dir.resolve("istiod.pem").toFile(), dir.resolve("istiod.key").toFile()).build())
        .addService(io.grpc.ServerInterceptors.intercept(new V3DiscoveryServer(cache).getAggregatedDiscoveryServiceImpl(), capture))
        .build().start();
  }

  @AfterEach
  void stop() throws Exception {
    if (controlPlane != null) {
      controlPlane.close();
    }
    if (server != null) {
      server.shutdownNow().awaitTermination();
    }
  }

  private ControlPlane controlPlane(String authority, Path rootCert) {
    Node node = Node.newBuilder().setId("sidecar~10.244.0.5~p.default~default.svc.cluster.local").build();
    XdsConfig config = new XdsConfig("127.0.0.1:" + server.getPort(), false, authority, rootCert,
        dir.resolve("istio-token"), "east", node, "test");
    controlPlane = new ControlPlane(config, new ConfigStore());
    return controlPlane;
  }

  @Test
  void tlsToTheMeshRootWithTheBearerTokenAndTheClusterId() throws Exception {
    ControlPlane cp = controlPlane(ISTIOD, dir.resolve("ca.pem"));
    cp.start();
    await(() -> cp.stats().success(dev.outrigger.xds.ResourceType.CLUSTER) > 0);
    assertEquals("Bearer header.payload.signature", headers.get("authorization"));
    assertEquals("east", headers.get("clusterid"));
    assertEquals(ISTIOD, headers.get(":authority"));
    assertTrue(cp.stats().connected());
  }

  @Test
  void aCertificateForAnotherNameIsNotTrusted() throws Exception {
    ControlPlane cp = controlPlane("istiod.other.svc", dir.resolve("ca.pem"));
    cp.start();
    await(() -> (long) cp.stats().snapshot().get("outrigger.xds.disconnects_total") > 0);
    assertFalse(cp.stats().connected());
    assertEquals(0, cp.stats().success(dev.outrigger.xds.ResourceType.CLUSTER));
  }

  @Test
  void aMissingRootCertificateFailsTheStartNamingWhereItWasLooked() {
    ControlPlane cp = controlPlane(ISTIOD, dir.resolve("nope.pem"));
    IOException e = assertThrows(IOException.class, cp::start);
    assertTrue(e.getMessage().contains(dir.resolve("nope.pem") + " cannot be read") && e.getMessage().contains("XDS_ROOT_CA"),
        e.getMessage());
  }

  private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out");
      }
      Thread.sleep(20);
    }
  }
}
