package dev.outrigger.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.outrigger.core.Direction;
import dev.outrigger.core.config.InboundMode;
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
import dev.outrigger.core.telemetry.Exposition;
import dev.outrigger.core.telemetry.IstioMetrics;
import dev.outrigger.core.telemetry.PrometheusText;
import dev.outrigger.core.telemetry.WorkloadIdentity;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Istio's HTTP metadata exchange through the proxy: outbound, our node goes up and the server
 * sidecar's answer names the destination and is removed; inbound, a local reply answers with our
 * node as a relayed response does.
 */
class MetadataExchangeHttpTest {
  private static final NodeMetadata PRODUCTPAGE = new NodeMetadata("sidecar~10.0.0.1~productpage-1.default~default.svc.cluster.local",
      new PeerMetadata("productpage-1", "Kubernetes", "default", "productpage-v1", "productpage", "v1", "productpage", "v1",
          "deployment", "", "", ""));
  private static final NodeMetadata RATINGS = new NodeMetadata("sidecar~10.0.0.3~ratings-1.default~default.svc.cluster.local",
      new PeerMetadata("ratings-1", "Kubernetes", "shop", "ratings-v1", "ratings", "v1", "ratings", "v1", "", "", "", ""));

  private final AtomicReference<String> seenId = new AtomicReference<>();
  private final AtomicReference<String> seenMetadata = new AtomicReference<>();
  private ProxyFixture proxy;
  private IstioMetrics metrics;
  private HttpServer app;

  @BeforeEach
  void start() throws Exception {
    metrics = new IstioMetrics(new WorkloadIdentity("productpage-v1", "default", "productpage", "v1", "productpage", "v1",
        "Kubernetes").withNode(PRODUCTPAGE), Duration.ZERO);
    proxy = new ProxyFixture(InboundMode.PRESERVE, Duration.ofSeconds(5), Duration.ofHours(1), HttpSettings.defaults(),
        metrics);
    app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    app.createContext("/", exchange -> {
      seenId.set(exchange.getRequestHeaders().getFirst(MetadataExchange.ID_HEADER));
      seenMetadata.set(exchange.getRequestHeaders().getFirst(MetadataExchange.METADATA_HEADER));
      // As a server sidecar answers a client that sent both headers.
      exchange.getResponseHeaders().add(MetadataExchange.ID_HEADER, RATINGS.id());
      exchange.getResponseHeaders().add(MetadataExchange.METADATA_HEADER, MetadataExchange.of(RATINGS).value());
      exchange.sendResponseHeaders(200, 2);
      exchange.getResponseBody().write("ok".getBytes(StandardCharsets.US_ASCII));
      exchange.close();
    });
    app.start();
  }

  @AfterEach
  void stop() {
    proxy.close();
    app.stop(0);
  }

  @Test
  void outboundSendsOurNodeAndNamesTheDestinationFromTheServersAnswer() throws Exception {
    InetSocketAddress appAddress = new InetSocketAddress("127.0.0.1", app.getAddress().getPort());
    route(Direction.OUTBOUND, appAddress, "outbound|9080||ratings.shop.svc.cluster.local");
    String response = get(Direction.OUTBOUND, "x-envoy-peer-metadata: set by the app\r\n");
    assertTrue(response.startsWith("HTTP/1.1 200"), response);
    assertFalse(response.toLowerCase().contains("x-envoy-peer-metadata"), "the app never sees the exchange: " + response);
    assertEquals(PRODUCTPAGE.id(), seenId.get());
    assertEquals(MetadataExchange.of(PRODUCTPAGE).value(), seenMetadata.get(), "ours replaces the app's");

    Map<String, String> labels = requestLabels();
    assertEquals("source", labels.get("reporter"));
    assertEquals("ratings-v1", labels.get("destination_workload"));
    assertEquals("shop", labels.get("destination_workload_namespace"));
    assertEquals("ratings", labels.get("destination_app"));
    assertEquals("v1", labels.get("destination_version"));
    assertEquals("ratings", labels.get("destination_canonical_service"));
  }

  @Test
  void anInboundLocalReplyAnswersWithOurNodeToo() throws Exception {
    InetSocketAddress closed;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = new InetSocketAddress("127.0.0.1", s.getLocalPort());
    }
    route(Direction.INBOUND, closed, "inbound|9080||");
    String response = get(Direction.INBOUND, MetadataExchange.ID_HEADER + ": client\r\n"
        + MetadataExchange.METADATA_HEADER + ": " + MetadataExchange.of(RATINGS).value() + "\r\n");
    assertTrue(response.startsWith("HTTP/1.1 503"), response);
    assertTrue(response.contains(MetadataExchange.ID_HEADER + ": " + PRODUCTPAGE.id()), response);
    Map<String, String> labels = requestLabels();
    assertEquals("ratings-v1", labels.get("source_workload"));
    assertEquals("shop", labels.get("source_workload_namespace"), "plaintext: the exchanged namespace");
  }

  private Map<String, String> requestLabels() throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (new Exposition(PrometheusText.text(metrics.registry())).find("istio_requests_total", Map.of()).isEmpty()
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    return new Exposition(PrometheusText.text(metrics.registry())).one("istio_requests_total", Map.of()).labels();
  }

  private void route(Direction direction, InetSocketAddress to, String cluster) {
    RouteDecision decision = RouteDecision.to(cluster, Upstream.direct(to));
    proxy.destination.set(to);
    proxy.server.routeWith(direction, new Router() {
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

  private String get(Direction direction, String headers) throws Exception {
    try (Socket socket = proxy.connect(direction)) {
      socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: ratings\r\nConnection: close\r\n" + headers + "\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
