package dev.outrigger.core.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.core.Direction;
import dev.outrigger.core.config.InboundMode;
import dev.outrigger.core.route.HttpRouting;
import dev.outrigger.core.http.HttpSettings;
import dev.outrigger.core.net.OriginalDestination;
import dev.outrigger.core.relay.ProxyFixture;
import dev.outrigger.core.route.ConnectionPlan;
import dev.outrigger.core.route.RouteDecision;
import dev.outrigger.core.route.Router;
import dev.outrigger.core.route.Upstream;
import dev.outrigger.core.route.listener.ConnectionFacts;
import dev.outrigger.core.stats.Counter;
import dev.outrigger.core.telemetry.Exposition;
import dev.outrigger.core.telemetry.IstioMetrics;
import dev.outrigger.core.telemetry.PrometheusText;
import dev.outrigger.core.telemetry.WorkloadIdentity;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
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
 * Plaintext HTTP from the app, ISTIO_MUTUAL to the upstream (openssl s_server -Verify -www, as a
 * server sidecar): served through TLS; a server with the wrong identity is Envoy's 503 UF with the
 * TLS transport failure reason in the body and the access log, and counted. The istio_* labels
 * name both ends by their certificates' URI SANs.
 */
class MeshTlsHttpPathTest {
  private static final String CLUSTER = "outbound|8080||server.default.svc.cluster.local";
  private static final String SERVER_ID = "spiffe://cluster.local/ns/default/sa/server";

  @TempDir static Path dir;
  static OpensslMeshCa mesh;
  static OpensslMeshCa.Leaf client;
  static OpensslMeshCa.Leaf server;
  private static final String CLIENT_ID = "spiffe://cluster.local/ns/default/sa/client";
  private ProxyFixture proxy;
  private IstioMetrics metrics;

  @BeforeAll
  static void ca() throws Exception {
    mesh = OpensslMeshCa.create(dir, "mesh");
    client = mesh.issue("client", CLIENT_ID);
    server = mesh.issue("server", SERVER_ID);
  }

  @BeforeEach
  void start() throws Exception {
    metrics = new IstioMetrics(new WorkloadIdentity("client", "default", "client", "v1", "client", "v1", "Kubernetes"),
        Duration.ZERO);
    proxy = new ProxyFixture(InboundMode.PRESERVE, Duration.ofSeconds(5), Duration.ofHours(1), HttpSettings.defaults(),
        metrics);
  }

  @AfterEach
  void stop() {
    proxy.close();
  }

  @Test
  void servedThroughMutualTls() throws Exception {
    try (OpensslServer s = new OpensslServer(server, mesh.root(), "istio-http/1.1", dir.resolve("www.out"), List.of("-www"))) {
      route(s, List.of(SERVER_ID));
      String response = get();
      assertTrue(response.contains(" 200 ok\r\n") && response.contains("s_server -accept"), response);
      assertTrue(s.output().contains("depth=0 \nverify return:1"), "s_server verified our certificate: " + s.output());
      Map<String, String> labels = requestLabels();
      assertEquals("source", labels.get("reporter"));
      assertEquals(CLIENT_ID, labels.get("source_principal"), "our certificate's URI SAN");
      assertEquals(SERVER_ID, labels.get("destination_principal"), "the server's certificate's URI SAN");
      assertEquals("default", labels.get("destination_workload_namespace"), "from the server's SPIFFE id");
      assertEquals("unknown", labels.get("connection_security_policy"), "Istio's client side does not say");
      assertEquals(List.of("istio-http/1.1", "istio", "http/1.1"), s.offeredAlpn(),
          "istio.alpn's HTTP/1.1 list replaces the cluster's [istio]");
    }
  }

  @Test
  void aServerWithTheWrongIdentityIs503UfWithEnvoysReason() throws Exception {
    try (OpensslServer s = new OpensslServer(server, mesh.root(), "istio-http/1.1", dir.resolve("bad.out"), List.of("-www"))) {
      route(s, List.of("spiffe://cluster.local/ns/default/sa/not-the-server"));
      String response = get();
      String reason = "TLS_error:|268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED:"
          + "verify cert failed: SAN matcher:TLS_error_end";
      assertTrue(response.startsWith("HTTP/1.1 503"), response);
      assertTrue(response.endsWith("upstream connect error or disconnect/reset before headers. reset reason: "
          + "remote connection failure, transport failure reason: " + reason), response);
      String line = proxy.awaitIdleAndAccessLines().get(0);
      assertTrue(line.contains(" 503 UF ") && line.contains("\"" + reason + "\""), line);
      assertEquals(1, proxy.counter(Direction.OUTBOUND, Counter.SSL_FAIL_VERIFY_SAN));
      assertEquals(0, proxy.counter(Direction.OUTBOUND, Counter.SSL_CONNECTION_ERROR), "one ssl.* counter per failure, as Envoy");
      assertEquals(1, proxy.counter(Direction.OUTBOUND, Counter.UPSTREAM_CX_CONNECT_FAIL));
    }
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

  private void route(OpensslServer s, List<String> sans) throws Exception {
    TlsContexts contexts = new TlsContexts(new FixedCertificateSource(client.identity()));
    Upstream upstream = Upstream.direct(s.address()).withTransport(new MeshTlsTransport(contexts,
        "outbound_.8080_._.server.default.svc.cluster.local", new ClientTlsPolicy(List.of("istio"), sans)));
    RouteDecision decision = RouteDecision.to(CLUSTER, upstream);
    proxy.destination.set(s.address());
    proxy.server.routeWith(Direction.OUTBOUND, new Router() {
      @Override
      public boolean detectsProtocol(OriginalDestination originalDestination) {
        return true;
      }

      @Override
      public ConnectionPlan plan(ConnectionFacts facts) {
        return new ConnectionPlan.Http(request -> new HttpRouting.Forward(decision));
      }
    });
  }

  private String get() throws Exception {
    try (Socket socket = proxy.connect(Direction.OUTBOUND)) {
      OutputStream out = socket.getOutputStream();
      out.write("GET / HTTP/1.1\r\nHost: server\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
