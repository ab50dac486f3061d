package dev.outrigger.core.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.outrigger.core.Direction;
import dev.outrigger.core.config.InboundMode;
import dev.outrigger.core.http.HttpSettings;
import dev.outrigger.core.net.OriginalDestination;
import dev.outrigger.core.peer.MetadataExchange;
import dev.outrigger.core.peer.NodeMetadata;
import dev.outrigger.core.peer.PeerMetadata;
import dev.outrigger.core.relay.ProxyFixture;
import dev.outrigger.core.route.ConnectionPlan;
import dev.outrigger.core.route.HttpRouting;
import dev.outrigger.core.route.RouteDecision;
import dev.outrigger.core.route.Router;
import dev.outrigger.core.route.Upstream;
import dev.outrigger.core.route.listener.ConnectionFacts;
import dev.outrigger.core.stats.Counter;
import dev.outrigger.core.telemetry.Exposition;
import dev.outrigger.core.telemetry.IstioMetrics;
import dev.outrigger.core.telemetry.PrometheusText;
import dev.outrigger.core.telemetry.WorkloadIdentity;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An inbound chain with a DownstreamTlsContext, against {@code openssl s_client} offering Istio's
 * ALPN with a client certificate (as an Envoy client sidecar): TLS terminated, the client
 * certificate required and verified, HTTP served to the app in plaintext with Envoy's XFCC, whose
 * Hash is the client certificate's DER SHA-256; the istio_* labels name the client by its
 * certificate and by the workload it sent in the HTTP metadata exchange, which the app never sees.
 */
class InboundMutualTlsTest {
  private static final String SERVER_ID = "spiffe://cluster.local/ns/default/sa/server";
  private static final String CLIENT_ID = "spiffe://cluster.local/ns/default/sa/client";

  @TempDir static Path dir;
  static OpensslMeshCa mesh;
  static OpensslMeshCa.Leaf client;
  static OpensslMeshCa.Leaf server;
  static OpensslMeshCa.Leaf foreignClient;
  /** This proxy's pod, and the node it exchanges with its HTTP peers. */
  private static final WorkloadIdentity SERVER_WORKLOAD =
      new WorkloadIdentity("server", "default", "server", "v1", "server", "v1", "Kubernetes");
  private static final NodeMetadata SERVER_NODE = new NodeMetadata("sidecar~10.0.0.2~server-1.default~default.svc.cluster.local",
      new PeerMetadata("server-1", "Kubernetes", "default", "server", "server", "v1", "server", "v1", "", "", "", ""));
  /** The client sidecar's workload, as its x-envoy-peer-metadata says. */
  private static final PeerMetadata CLIENT_WORKLOAD =
      new PeerMetadata("client-1", "Kubernetes", "default", "client", "client", "v3", "client", "v3", "", "", "", "");
  private ProxyFixture proxy;
  private HttpServer app;
  private IstioMetrics metrics;
  static OpensslMeshCa.Leaf expiredClient;
  private volatile Duration handshakeTimeout = ConnectionPlan.TerminateTls.DEFAULT_HANDSHAKE_TIMEOUT;

  @BeforeAll
  static void ca() throws Exception {
    mesh = OpensslMeshCa.create(dir, "mesh");
    client = mesh.issue("client", CLIENT_ID);
    server = mesh.issue("server", SERVER_ID);
    foreignClient = OpensslMeshCa.create(dir, "foreign").issue("client", CLIENT_ID);
    expiredClient = mesh.issueExpired("expired-client", CLIENT_ID);
  }

  @BeforeEach
  void start() throws Exception {
    metrics = new IstioMetrics(SERVER_WORKLOAD.withNode(SERVER_NODE), Duration.ZERO);
    proxy = new ProxyFixture(InboundMode.PRESERVE, Duration.ofSeconds(5), Duration.ofHours(1), HttpSettings.defaults(),
        metrics);
    app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    app.createContext("/", exchange -> {
      String xfcc = exchange.getRequestHeaders().getFirst("x-forwarded-client-cert");
      String mx = exchange.getRequestHeaders().getFirst(MetadataExchange.METADATA_HEADER);
      byte[] body = ("xfcc=" + xfcc + " mx=" + mx).getBytes(StandardCharsets.UTF_8);
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
              contexts.server(new ServerTlsPolicy(List.of("h2", "http/1.1"), true, List.of())), http, handshakeTimeout);
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
  void aMeshClientIsNamedInTheMetricsByItsCertificateAndItsExchangedWorkload() throws Exception {
    String clientMx = MetadataExchange.of(new NodeMetadata("client-node", CLIENT_WORKLOAD)).value();
    String out = sClient(client, MetadataExchange.ID_HEADER + ": client-node\r\n"
        + MetadataExchange.METADATA_HEADER + ": " + clientMx + "\r\n");
    assertTrue(out.contains("HTTP/1.1 200"), out);
    assertTrue(out.contains(" mx=null"), "the app does not see the exchange: " + out);
    assertTrue(out.contains(MetadataExchange.ID_HEADER + ": " + SERVER_NODE.id()), "our node answers: " + out);
    assertTrue(out.contains(MetadataExchange.METADATA_HEADER + ": " + MetadataExchange.of(SERVER_NODE).value()), out);

    Map<String, String> labels = requestLabels();
    assertEquals("destination", labels.get("reporter"));
    assertEquals(CLIENT_ID, labels.get("source_principal"));
    assertEquals(SERVER_ID, labels.get("destination_principal"));
    assertEquals("mutual_tls", labels.get("connection_security_policy"));
    assertEquals("client", labels.get("source_workload"));
    assertEquals("default", labels.get("source_workload_namespace"));
    assertEquals("v3", labels.get("source_version"));
  }

  @Test
  void aPlaintextClientIsUnknownWithNoSecurityPolicy() throws Exception {
    try (Socket s = proxy.connect(Direction.INBOUND)) {
      s.getOutputStream().write("GET / HTTP/1.1\r\nHost: server\r\nConnection: close\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      String out = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(out.contains("HTTP/1.1 200") && out.contains("xfcc=null"), out);
      assertTrue(!out.contains(MetadataExchange.ID_HEADER), "nothing sent, nothing answered: " + out);
    }
    Map<String, String> labels = requestLabels();
    assertEquals("unknown", labels.get("source_principal"));
    assertEquals("unknown", labels.get("destination_principal"));
    assertEquals("none", labels.get("connection_security_policy"));
  }

  /** The labels of the one request series, once the request has been reported. */
  private Map<String, String> requestLabels() throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (new Exposition(PrometheusText.text(metrics.registry())).find("istio_requests_total", Map.of()).isEmpty()
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    return new Exposition(PrometheusText.text(metrics.registry())).one("istio_requests_total", Map.of()).labels();
  }

  @Test
  void aClientOfAForeignRootIsRefused() throws Exception {
    String out = sClient(foreignClient);
    assertTrue(!out.contains("xfcc="), out);
    awaitCounter(Counter.DOWNSTREAM_CX_TLS_HANDSHAKE_FAIL);
    assertOnly(Counter.SSL_FAIL_VERIFY_ERROR);
  }

  @Test
  void aClientWithAnExpiredCertificateIsRefused() throws Exception {
    String out = sClient(expiredClient);
    assertTrue(!out.contains("xfcc="), out);
    awaitCounter(Counter.DOWNSTREAM_CX_TLS_HANDSHAKE_FAIL);
    assertOnly(Counter.SSL_FAIL_VERIFY_ERROR);
  }

  @Test
  void aClientWithoutACertificateIsRefused() throws Exception {
    String out = sClient(null);
    assertTrue(!out.contains("xfcc="), out);
    awaitCounter(Counter.DOWNSTREAM_CX_TLS_HANDSHAKE_FAIL);
    assertOnly(Counter.SSL_FAIL_VERIFY_NO_CERT);
  }

  @Test
  void garbageAfterATlsRecordHeaderIsAConnectionError() throws Exception {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.server.port(Direction.INBOUND))) {
      // a handshake record header (what the detector calls TLS), then no ClientHello at all
      byte[] garbage = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
      OutputStream out = socket.getOutputStream();
      out.write(new byte[] {0x16, 0x03, 0x01, 0x00, (byte) garbage.length});
      out.write(garbage);
      out.flush();
      socket.setSoTimeout(5000);
      socket.getInputStream().readAllBytes(); // the proxy closes it
    }
    awaitCounter(Counter.DOWNSTREAM_CX_TLS_HANDSHAKE_FAIL);
    assertOnly(Counter.SSL_CONNECTION_ERROR);
  }

  @Test
  void aClientThatStallsMidHandshakeIsClosedAtTheHandshakeTimeout() throws Exception {
    handshakeTimeout = Duration.ofMillis(300);
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.server.port(Direction.INBOUND))) {
      socket.getOutputStream().write(clientHello());
      socket.getOutputStream().flush();
      long start = System.nanoTime();
      socket.setSoTimeout(5000);
      socket.getInputStream().readAllBytes(); // the server's flight, then the close
      long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(elapsedMillis >= 250 && elapsedMillis < 3000, "closed after " + elapsedMillis + " ms");
    }
    awaitCounter(Counter.DOWNSTREAM_CX_TRANSPORT_SOCKET_CONNECT_TIMEOUT);
    assertEquals(1, proxy.counter(Direction.INBOUND, Counter.DOWNSTREAM_CX_TLS_HANDSHAKE_FAIL));
    assertOnly(null);
  }

  @Test
  void aClientThatLeavesMidHandshakeIsClosedWithoutATlsError() throws Exception {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.server.port(Direction.INBOUND))) {
      socket.getOutputStream().write(clientHello());
      socket.getOutputStream().flush();
      socket.setSoTimeout(5000);
      socket.getInputStream().read(); // the server's flight has started: the handshake is under way
      long start = System.nanoTime();
      socket.shutdownOutput(); // FIN: the client is gone before its second flight
      socket.getInputStream().readAllBytes(); // ... and the proxy closes at once
      long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(elapsedMillis < 2000, "closed after " + elapsedMillis + " ms");
    }
    awaitCounter(Counter.DOWNSTREAM_CX_TLS_HANDSHAKE_FAIL);
    assertEquals(0, proxy.counter(Direction.INBOUND, Counter.DOWNSTREAM_CX_TRANSPORT_SOCKET_CONNECT_TIMEOUT));
    assertOnly(null); // Envoy's error queue is empty when the peer just closes: no ssl.* counter
    assertEquals(0, proxy.counter(Direction.INBOUND, Counter.DOWNSTREAM_RQ_TOTAL), "no plan ran for it");
  }

  /** A real ClientHello (the JDK's client engine's first flight), never followed by the rest. */
  private static byte[] clientHello() throws Exception {
    SSLEngine engine = SSLContext.getDefault().createSSLEngine("server", 443);
    engine.setUseClientMode(true);
    ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    engine.wrap(ByteBuffer.allocate(0), out);
    out.flip();
    byte[] hello = new byte[out.remaining()];
    out.get(hello);
    return hello;
  }

  private void awaitCounter(Counter counter) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (proxy.counter(Direction.INBOUND, counter) == 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(1, proxy.counter(Direction.INBOUND, counter), counter.statName());
  }

  /** Exactly one of Envoy's ssl.* counters counts a failed handshake (none for a timeout). */
  private void assertOnly(Counter expected) {
    for (Counter c : List.of(Counter.SSL_CONNECTION_ERROR, Counter.SSL_FAIL_VERIFY_ERROR, Counter.SSL_FAIL_VERIFY_SAN,
        Counter.SSL_FAIL_VERIFY_NO_CERT)) {
      assertEquals(c == expected ? 1 : 0, proxy.counter(Direction.INBOUND, c), c.statName());
    }
  }

  /** openssl s_client as a client sidecar: its certificate (if any), Istio's ALPN and SNI, one request. */
  private String sClient(OpensslMeshCa.Leaf leaf) throws Exception {
    return sClient(leaf, "");
  }

  private String sClient(OpensslMeshCa.Leaf leaf, String headers) throws Exception {
    return MeshClient.request(proxy.server.port(Direction.INBOUND), leaf, mesh, "istio-http/1.1,istio",
        "GET / HTTP/1.1\r\nHost: server\r\nConnection: close\r\n" + headers + "\r\n");
  }
}
