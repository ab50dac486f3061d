package dev.outrigger.core.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.outrigger.core.Direction;
import dev.outrigger.core.config.InboundMode;
import dev.outrigger.core.http.HttpSettings;
import dev.outrigger.core.net.OriginalDestination;
import dev.outrigger.core.relay.ProxyFixture;
import dev.outrigger.core.route.ConnectionPlan;
import dev.outrigger.core.route.HttpRouting;
import dev.outrigger.core.route.RouteDecision;
import dev.outrigger.core.route.Router;
import dev.outrigger.core.route.Upstream;
import dev.outrigger.core.route.listener.ConnectionFacts;
import dev.outrigger.core.stats.Counter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An inbound chain with a DownstreamTlsContext, against {@code openssl s_client} offering Istio's
 * ALPN with a client certificate (as an Envoy client sidecar): TLS terminated, the client
 * certificate required and verified, HTTP served to the app in plaintext with Envoy's XFCC, whose
 * Hash is the client certificate's DER SHA-256.
 */
class InboundMutualTlsTest {
  private static final String SERVER_ID = "spiffe://cluster.local/ns/default/sa/server";
  private static final String CLIENT_ID = "spiffe://cluster.local/ns/default/sa/client";

  @TempDir static Path dir;
  static OpensslMeshCa mesh;
  static OpensslMeshCa.Leaf client;
  static OpensslMeshCa.Leaf server;
  static OpensslMeshCa.Leaf foreignClient;
  private ProxyFixture proxy;
  private HttpServer app;

  @BeforeAll
  static void ca() throws Exception {
    mesh = OpensslMeshCa.create(dir, "mesh");
    client = mesh.issue("client", CLIENT_ID);
    server = mesh.issue("server", SERVER_ID);
    foreignClient = OpensslMeshCa.create(dir, "foreign").issue("client", CLIENT_ID);
  }

  @BeforeEach
  void start() throws Exception {
    proxy = new ProxyFixture(InboundMode.PRESERVE, Duration.ofSeconds(5), Duration.ofHours(1), HttpSettings.defaults());
    app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    app.createContext("/", exchange -> {
      String xfcc = exchange.getRequestHeaders().getFirst("x-forwarded-client-cert");
      byte[] body = ("xfcc=" + xfcc).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    app.start();
    InetSocketAddress appAddress = new InetSocketAddress("127.0.0.1", app.getAddress().getPort());
    proxy.destination.set(appAddress);
    TlsContexts contexts = new TlsContexts(new FixedCertificateSource(server.identity()));
    RouteDecision toApp = RouteDecision.to("inbound|8080||", Upstream.direct(appAddress));
    ConnectionPlan.Http http = new ConnectionPlan.Http(request -> new HttpRouting.Forward(toApp));
    proxy.server.routeWith(Direction.INBOUND, new Router() {
      @Override
      public boolean detectsProtocol(OriginalDestination originalDestination) {
        return true;
      }

      @Override
      public ConnectionPlan plan(ConnectionFacts facts) {
        if (!"tls".equals(facts.transportProtocol())) {
          return http;
        }
        try {
          return new ConnectionPlan.TerminateTls(
              contexts.server(new ServerTlsPolicy(List.of("h2", "http/1.1"), true, List.of())), http);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    });
  }

  @AfterEach
  void stop() {
    proxy.close();
    app.stop(0);
  }

  @Test
  void aMeshClientIsServedWithEnvoysXfcc() throws Exception {
    String out = sClient(client);
    assertTrue(out.contains("HTTP/1.1 200"), out);
    assertTrue(out.contains("xfcc=By=" + SERVER_ID + ";Hash=" + client.sha256() + ";Subject=\"\";URI=" + CLIENT_ID), out);
  }

  @Test
  void aClientOfAForeignRootIsRefused() throws Exception {
    String out = sClient(foreignClient);
    assertTrue(!out.contains("xfcc="), out);
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (proxy.counter(Direction.INBOUND, Counter.DOWNSTREAM_CX_TLS_HANDSHAKE_FAIL) == 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(1, proxy.counter(Direction.INBOUND, Counter.DOWNSTREAM_CX_TLS_HANDSHAKE_FAIL));
  }

  /** openssl s_client as a client sidecar: its certificate, Istio's ALPN and SNI, one request. */
  private String sClient(OpensslMeshCa.Leaf leaf) throws Exception {
    return MeshClient.request(proxy.server.port(Direction.INBOUND), leaf, mesh, "istio-http/1.1,istio",
        "GET / HTTP/1.1\r\nHost: server\r\nConnection: close\r\n\r\n");
  }
}
