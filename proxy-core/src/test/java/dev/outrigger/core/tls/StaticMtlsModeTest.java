package dev.outrigger.core.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.outrigger.core.Direction;
import dev.outrigger.core.config.InboundMode;
import dev.outrigger.core.http.HttpSettings;
import dev.outrigger.core.relay.ProxyFixture;
import dev.outrigger.core.stats.Counter;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inbound mTLS mode without istiod (OUTRIGGER_MTLS_MODE), against openssl s_client as an Envoy
 * client sidecar and a plaintext client: STRICT terminates mTLS and closes plaintext, PERMISSIVE
 * serves both; an {@code istio}-only ALPN is TCP (no XFCC), as istiod's chains make it.
 */
class StaticMtlsModeTest {
  private static final String SERVER_ID = "spiffe://cluster.local/ns/default/sa/server";
  private static final String CLIENT_ID = "spiffe://cluster.local/ns/default/sa/client";
  private static final String REQUEST = "GET / HTTP/1.1\r\nHost: server\r\nConnection: close\r\n\r\n";

  @TempDir static Path dir;
  static OpensslMeshCa mesh;
  static OpensslMeshCa.Leaf client;
  static OpensslMeshCa.Leaf server;
  private ProxyFixture proxy;
  private HttpServer app;

  @BeforeAll
  static void ca() throws Exception {
    mesh = OpensslMeshCa.create(dir, "mesh");
    client = mesh.issue("client", CLIENT_ID);
    server = mesh.issue("server", SERVER_ID);
  }

  private void start(PeerAuthenticationMode mode) throws Exception {
    TlsContexts contexts = new TlsContexts(new FixedCertificateSource(server.identity()));
    proxy = new ProxyFixture(InboundMode.PRESERVE, Duration.ofSeconds(5), Duration.ofHours(1), HttpSettings.defaults(),
        MeshTls.of(contexts, mode));
    app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    app.createContext("/", exchange -> {
      byte[] body = ("xfcc=" + exchange.getRequestHeaders().getFirst("x-forwarded-client-cert"))
          .getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    app.start();
    proxy.destination.set(new InetSocketAddress("127.0.0.1", app.getAddress().getPort()));
  }

  @AfterEach
  void stop() {
    proxy.close();
    app.stop(0);
  }

  @Test
  void strictServesAMeshClientWithXfcc() throws Exception {
    start(PeerAuthenticationMode.STRICT);
    String out = MeshClient.request(proxy.server.port(Direction.INBOUND), client, mesh, "istio-http/1.1,istio,http/1.1", REQUEST);
    assertTrue(out.contains("HTTP/1.1 200"), out);
    assertTrue(out.contains("xfcc=By=" + SERVER_ID + ";Hash=" + client.sha256() + ";Subject=\"\";URI=" + CLIENT_ID), out);
    // The request's log line names the SNI the client sidecar sent, as Envoy's %REQUESTED_SERVER_NAME%.
    List<String> lines = proxy.awaitIdleAndAccessLines();
    assertTrue(lines.stream().anyMatch(l -> l.contains("\"GET / HTTP/1.1\" 200")
        && l.contains(" outbound_.8080_._.server.default.svc.cluster.local ")), lines.toString());
  }

  @Test
  void strictClosesAPlaintextClientWithNoRouteFlag() throws Exception {
    start(PeerAuthenticationMode.STRICT);
    String out = plaintext();
    assertEquals("", out);
    List<String> lines = proxy.awaitIdleAndAccessLines();
    assertTrue(lines.stream().anyMatch(l -> l.contains(" NR ")), lines.toString());
  }

  @Test
  void strictTakesAnIstioOnlyAlpnAsTcpWithoutXfcc() throws Exception {
    start(PeerAuthenticationMode.STRICT);
    String out = MeshClient.request(proxy.server.port(Direction.INBOUND), client, mesh, "istio", REQUEST);
    assertTrue(out.contains("HTTP/1.1 200"), out);
    assertTrue(out.contains("xfcc=null"), out);
  }

  @Test
  void permissiveServesPlaintextAndMeshClients() throws Exception {
    start(PeerAuthenticationMode.PERMISSIVE);
    assertTrue(plaintext().contains("xfcc=null"));
    String out = MeshClient.request(proxy.server.port(Direction.INBOUND), client, mesh, "istio-http/1.1,istio,http/1.1", REQUEST);
    assertTrue(out.contains("xfcc=By=" + SERVER_ID), out);
    assertEquals(0, proxy.counter(Direction.INBOUND, Counter.DOWNSTREAM_CX_TLS_HANDSHAKE_FAIL));
  }

  @Test
  void permissivePassesTlsWithoutAnIstioAlpnThroughToTheApp() throws Exception {
    start(PeerAuthenticationMode.PERMISSIVE);
    try (ServerSocket tlsApp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      proxy.destination.set(new InetSocketAddress("127.0.0.1", tlsApp.getLocalPort()));
      CompletableFuture<Integer> firstByte = CompletableFuture.supplyAsync(() -> {
        try (Socket s = tlsApp.accept()) {
          return s.getInputStream().read();
        } catch (java.io.IOException e) {
          return -2;
        }
      });
      // The app's own TLS (no Istio ALPN) reaches it untouched: its first byte is the ClientHello's.
      String out = MeshClient.request(proxy.server.port(Direction.INBOUND), client, mesh, "h2,http/1.1", REQUEST);
      assertEquals(0x16, firstByte.get(10, TimeUnit.SECONDS), out);
      assertFalse(out.contains("xfcc="), out);
    }
    assertEquals(0, proxy.counter(Direction.INBOUND, Counter.DOWNSTREAM_CX_TLS_HANDSHAKE_FAIL));
  }

  private String plaintext() throws Exception {
    try (Socket s = new Socket("127.0.0.1", proxy.server.port(Direction.INBOUND))) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write(REQUEST.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (java.net.SocketException reset) {
      return "";
    }
  }
}
