package dev.outrigger.core.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.core.Direction;
import dev.outrigger.core.log.AccessLogEntry;
import dev.outrigger.core.log.ConnectionRecord;
import dev.outrigger.core.log.ResponseFlag;
import dev.outrigger.core.net.OriginalDestination;
import dev.outrigger.core.peer.MeshPeer;
import dev.outrigger.core.peer.PeerMetadata;
import dev.outrigger.core.tls.DownstreamTls;
import dev.outrigger.core.tls.PeerIdentity;
import dev.outrigger.core.tls.TlsPrincipals;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class IstioMetricsTest {
  private static final WorkloadIdentity PRODUCTPAGE =
      new WorkloadIdentity("productpage-v1", "bookinfo", "productpage", "v1", "productpage", "v1", "Kubernetes");
  private static final InetSocketAddress SERVICE_IP = new InetSocketAddress("10.96.12.7", 9080);
  private static final InetSocketAddress POD_IP = new InetSocketAddress("10.244.2.4", 9080);
  private static final InetSocketAddress CLIENT = new InetSocketAddress("10.244.3.3", 44008);
  private static final String REVIEWS_ID = "spiffe://cluster.local/ns/default/sa/bookinfo-reviews";
  private static final String PRODUCTPAGE_ID = "spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage";

  private final IstioMetrics metrics = new IstioMetrics(PRODUCTPAGE, Duration.ofSeconds(5));

  @Test
  void outboundRequestsAreReportedBySourceWithThisPodAsSource() {
    for (int i = 0; i < 3; i++) {
      metrics.httpRequest(http(Direction.OUTBOUND, "reviews:9080", 200, "-", 0, 295, 12));
    }
    metrics.httpRequest(http(Direction.OUTBOUND, "reviews:9080", 503, "UF", 0, 91, 1));
    Exposition e = scrape();

    Map<String, String> ok = Map.of("response_code", "200", "response_flags", "-");
    assertEquals(3, e.value("istio_requests_total", ok));
    assertEquals(1, e.value("istio_requests_total", Map.of("response_code", "503", "response_flags", "UF")));
    Map<String, String> labels = e.one("istio_requests_total", ok).labels();
    assertEquals(Map.ofEntries(
        Map.entry("reporter", "source"),
        Map.entry("source_workload", "productpage-v1"),
        Map.entry("source_workload_namespace", "bookinfo"),
        Map.entry("source_principal", "unknown"),
        Map.entry("source_app", "productpage"),
        Map.entry("source_version", "v1"),
        Map.entry("source_canonical_service", "productpage"),
        Map.entry("source_canonical_revision", "v1"),
        Map.entry("source_cluster", "Kubernetes"),
        Map.entry("destination_workload", "unknown"),
        Map.entry("destination_workload_namespace", "unknown"),
        Map.entry("destination_principal", "unknown"),
        Map.entry("destination_app", "unknown"),
        Map.entry("destination_version", "unknown"),
        Map.entry("destination_service", "reviews:9080"),
        Map.entry("destination_service_name", "reviews"),
        Map.entry("destination_service_namespace", "bookinfo"),
        Map.entry("destination_canonical_service", "unknown"),
        Map.entry("destination_canonical_revision", "latest"),
        Map.entry("destination_cluster", "unknown"),
        Map.entry("request_protocol", "http"),
        Map.entry("response_code", "200"),
        Map.entry("grpc_response_status", ""),
        Map.entry("response_flags", "-"),
        Map.entry("connection_security_policy", "unknown")), labels);
  }

  @Test
  void inboundRequestsAreReportedByDestinationWithThisPodAsDestination() {
    metrics.httpRequest(http(Direction.INBOUND, "productpage:9080", 404, "-", 10, 0, 3));
    Map<String, String> labels = scrape().one("istio_requests_total", Map.of()).labels();
    assertEquals("destination", labels.get("reporter"));
    assertEquals("unknown", labels.get("source_workload"));
    assertEquals("unknown", labels.get("source_workload_namespace"));
    assertEquals("latest", labels.get("source_canonical_revision"));
    assertEquals("productpage-v1", labels.get("destination_workload"));
    assertEquals("bookinfo", labels.get("destination_workload_namespace"));
    assertEquals("productpage", labels.get("destination_app"));
    assertEquals("v1", labels.get("destination_version"));
    assertEquals("10.244.2.4:9080", labels.get("destination_service"), "the original destination");
    assertEquals("productpage", labels.get("destination_service_name"));
    assertEquals("bookinfo", labels.get("destination_service_namespace"));
    assertEquals("Kubernetes", labels.get("destination_cluster"));
    assertEquals("404", labels.get("response_code"));
    assertEquals("none", labels.get("connection_security_policy"));
  }

  @Test
  void histogramsHaveEnvoysBucketsAndTheCarriedValues() {
    metrics.httpRequest(http(Direction.OUTBOUND, "reviews:9080", 200, "-", 100, 1024, 3));
    metrics.httpRequest(http(Direction.OUTBOUND, "reviews:9080", 200, "-", 0, 10 * 1024 * 1024, 700));
    Exposition e = scrape();
    List<Double> bounds = new ArrayList<>();
    for (Exposition.Sample s : e.find("istio_request_duration_milliseconds_bucket", Map.of())) {
      bounds.add(Double.parseDouble(s.labels().get("le").replace("+Inf", "Infinity")));
    }
    List<Double> expected = new ArrayList<>();
    Arrays.stream(IstioMetrics.BUCKETS).forEach(expected::add);
    expected.add(Double.POSITIVE_INFINITY);
    assertEquals(List.of(0.5, 1.0, 5.0, 10.0, 25.0, 50.0, 100.0, 250.0, 500.0, 1000.0, 2500.0, 5000.0, 10000.0,
        30000.0, 60000.0, 300000.0, 600000.0, 1800000.0, 3600000.0, Double.POSITIVE_INFINITY), bounds);
    assertEquals(expected, bounds);

    assertEquals(0, bucket(e, "istio_request_duration_milliseconds", "1.0"));
    assertEquals(1, bucket(e, "istio_request_duration_milliseconds", "5.0"));
    assertEquals(1, bucket(e, "istio_request_duration_milliseconds", "500.0"));
    assertEquals(2, bucket(e, "istio_request_duration_milliseconds", "1000.0"));
    assertEquals(2, bucket(e, "istio_request_duration_milliseconds", "+Inf"));
    assertEquals(703, e.value("istio_request_duration_milliseconds_sum", Map.of()));
    assertEquals(2, e.value("istio_request_duration_milliseconds_count", Map.of()));

    assertEquals(100, e.value("istio_request_bytes_sum", Map.of()));
    assertEquals(1, bucket(e, "istio_request_bytes", "0.5"), "a request without a body");
    assertEquals(1024 + 10 * 1024 * 1024, e.value("istio_response_bytes_sum", Map.of()));
    assertEquals(1, bucket(e, "istio_response_bytes", "2500.0"));
    assertEquals(2, bucket(e, "istio_response_bytes", "+Inf"));
    assertEquals(1, bucket(e, "istio_response_bytes", "3600000.0"), "10 MiB is past the last bound");
  }

  @Test
  void aTcpConnectionIsReportedWhenItClosesWithoutTheLiveRecord() {
    metrics.tcpOpened(Direction.INBOUND, POD_IP);
    assertTrue(scrape().find("istio_tcp_connections_opened_total", Map.of()).isEmpty());
    metrics.tcpClosed(tcp(Direction.INBOUND, 2583, 1548, "-"));
    Exposition e = scrape();
    assertEquals(1, e.value("istio_tcp_connections_opened_total", Map.of()));
    assertEquals(1, e.value("istio_tcp_connections_closed_total", Map.of()));
    assertEquals(2583, e.value("istio_tcp_received_bytes_total", Map.of()));
    assertEquals(1548, e.value("istio_tcp_sent_bytes_total", Map.of()));
    Map<String, String> labels = e.one("istio_tcp_sent_bytes_total", Map.of()).labels();
    assertEquals("tcp", labels.get("request_protocol"));
    assertEquals("destination", labels.get("reporter"));
    assertEquals("10.244.2.4:9080", labels.get("destination_service"));
    assertFalse(labels.containsKey("response_code"), "TCP series have no response code: " + labels);
    assertFalse(labels.containsKey("grpc_response_status"));
  }

  @Test
  void aFailedConnectionKeepsItsFlag() {
    metrics.tcpClosed(tcp(Direction.OUTBOUND, 0, 0, "UF"));
    Exposition e = scrape();
    Map<String, String> uf = Map.of("response_flags", "UF", "reporter", "source", "destination_service", "10.244.2.4:9080",
        "destination_service_name", "10.244.2.4");
    assertEquals(1, e.value("istio_tcp_connections_opened_total", uf));
    assertEquals(1, e.value("istio_tcp_connections_closed_total", uf));
    assertEquals(0, e.value("istio_tcp_sent_bytes_total", uf));
  }

  @Test
  void aLongConnectionReportsItsBytesEveryIntervalAndTheRestAtTheClose() {
    EmbeddedChannel channel = new EmbeddedChannel();
    ConnectionRecord record = new ConnectionRecord(CLIENT, new InetSocketAddress("10.244.2.4", 15006));
    record.originalDestination(new OriginalDestination(POD_IP));
    record.received(1000);
    record.sent(2000);
    metrics.tcpOpened(Direction.INBOUND, record, channel.eventLoop());
    assertTrue(scrape().find("istio_tcp_connections_opened_total", Map.of()).isEmpty(), "nothing before a report");

    tick(channel);
    Exposition e = scrape();
    assertEquals(1, e.value("istio_tcp_connections_opened_total", Map.of()));
    assertEquals(1000, e.value("istio_tcp_received_bytes_total", Map.of()));
    assertEquals(2000, e.value("istio_tcp_sent_bytes_total", Map.of()));
    assertEquals(0, e.value("istio_tcp_connections_closed_total", Map.of()));

    record.received(500);
    tick(channel);
    assertEquals(1500, scrape().value("istio_tcp_received_bytes_total", Map.of()));

    record.sent(1);
    record.flag(ResponseFlag.UPSTREAM_REMOTE_RESET);
    record.finish();
    metrics.tcpClosed(record.toEntry(Direction.INBOUND));
    assertEquals(-1, channel.runScheduledPendingTasks(), "the connection's timer is cancelled");
    e = scrape();
    assertEquals(1, e.value("istio_tcp_connections_opened_total", Map.of()));
    assertEquals(1, e.value("istio_tcp_connections_closed_total", Map.of()));
    assertEquals(1500, e.value("istio_tcp_received_bytes_total", Map.of()));
    assertEquals(2001, e.value("istio_tcp_sent_bytes_total", Map.of()));
    assertEquals("-", e.one("istio_tcp_sent_bytes_total", Map.of()).labels().get("response_flags"),
        "the label set is the one of the first report, as Istio's");
    channel.finishAndReleaseAll();
  }

  @Test
  void destinationsBeyondTheSeriesLimitAreCountedAsUnknown() {
    IstioMetrics small = new IstioMetrics(PRODUCTPAGE, Duration.ZERO, 2);
    small.httpRequest(http(Direction.OUTBOUND, "a:80", 200, "-", 0, 0, 1));
    small.httpRequest(http(Direction.OUTBOUND, "b:80", 200, "-", 0, 0, 1));
    small.httpRequest(http(Direction.OUTBOUND, "c:80", 200, "-", 0, 0, 1));
    small.httpRequest(http(Direction.OUTBOUND, "d:80", 200, "-", 0, 0, 1));
    small.httpRequest(http(Direction.OUTBOUND, "a:80", 200, "-", 0, 0, 1));
    Exposition e = new Exposition(PrometheusText.text(small.registry()));
    assertEquals(2, e.value("istio_requests_total", Map.of("destination_service", "a:80")));
    assertEquals(1, e.value("istio_requests_total", Map.of("destination_service", "b:80")));
    assertEquals(2, e.value("istio_requests_total", Map.of("destination_service", "unknown")));
    assertEquals(2, e.value("outrigger_metrics_series_overflow_total", Map.of()));
  }

  @Test
  void theServiceNameAndNamespaceComeFromKubernetesDnsNames() {
    IstioLabels labels = new IstioLabels(PRODUCTPAGE);
    assertEquals("reviews", IstioLabels.serviceName("reviews.other.svc.cluster.local:9080"));
    assertEquals("other", labels.serviceNamespace("reviews.other.svc.cluster.local:9080"));
    assertEquals("other", labels.serviceNamespace("reviews.other.svc"));
    assertEquals("bookinfo", labels.serviceNamespace("reviews"), "a short name resolves in the pod's namespace");
    assertEquals("unknown", labels.serviceNamespace("example.com"));
    assertEquals("example", IstioLabels.serviceName("example.com"));
    assertEquals("10.0.0.1", IstioLabels.serviceName("10.0.0.1:8080"));
    assertEquals("unknown", labels.serviceNamespace("10.0.0.1:8080"));
    assertEquals("fd00::1", IstioLabels.serviceName("[fd00::1]:8080"));
    assertEquals("10.96.12.7", IstioLabels.serviceName(SERVICE_IP));
    assertEquals("10.96.12.7:9080", IstioLabels.service(SERVICE_IP));
  }

  @Test
  void openMetricsLeavesItsEofToTheLastPart() {
    metrics.httpRequest(http(Direction.OUTBOUND, "reviews:9080", 200, "-", 0, 1, 1));
    String last = new String(PrometheusText.write(true, false, metrics.registry()));
    String notLast = new String(PrometheusText.write(true, true, metrics.registry()));
    assertTrue(last.endsWith("# EOF\n"), last);
    assertFalse(notLast.contains("# EOF"), notLast);
    assertTrue(notLast.contains("# TYPE istio_requests counter"), notLast);
    assertTrue(PrometheusText.text(metrics.registry()).contains("# TYPE istio_requests_total counter"));
  }

  private Exposition scrape() {
    return new Exposition(PrometheusText.text(metrics.registry()));
  }

  private static double bucket(Exposition e, String histogram, String le) {
    return e.value(histogram + "_bucket", Map.of("le", le));
  }

  @Test
  void aServiceClusterNamesTheDestinationFromTheClusterAndTheEndpointsWorkload() {
    String cluster = "outbound|9080|v2|reviews.default.svc.cluster.local";
    metrics.endpoints((c, host) -> c.equals(cluster)
        ? Optional.of(host.equals(POD_IP) ? Map.of("workload", "reviews-v2;default;reviews;v2;Kubernetes") : Map.of())
        : Optional.empty());
    metrics.httpRequest(new AccessLogEntry(Direction.OUTBOUND, Instant.now(), "GET", "/", "HTTP/1.1", 200, "-", null,
        null, null, 0, 10, 1, null, null, "curl", "id", "reviews:9080", POD_IP, cluster, null, SERVICE_IP, CLIENT, null,
        "split"));
    Map<String, String> labels = scrape().one("istio_requests_total", Map.of("response_code", "200")).labels();
    assertEquals("reviews.default.svc.cluster.local", labels.get("destination_service"));
    assertEquals("reviews", labels.get("destination_service_name"));
    assertEquals("default", labels.get("destination_service_namespace"));
    assertEquals("reviews-v2", labels.get("destination_workload"));
    assertEquals("default", labels.get("destination_workload_namespace"));
    assertEquals("reviews", labels.get("destination_canonical_service"));
    assertEquals("v2", labels.get("destination_canonical_revision"));
    // istiod's endpoint encoding has no app and version (istio/proxy convertEndpointMetadata)
    assertEquals("unknown", labels.get("destination_app"));
    assertEquals("unknown", labels.get("destination_version"));
    assertEquals("Kubernetes", labels.get("destination_cluster"));
  }

  @Test
  void anInboundMutualTlsRequestNamesBothPrincipalsAndTheClientsNamespace() {
    metrics.httpRequest(http(Direction.INBOUND, 200, new MeshPeer(REVIEWS_ID, PRODUCTPAGE_ID, null)));
    Map<String, String> labels = scrape().one("istio_requests_total", Map.of()).labels();
    assertEquals(REVIEWS_ID, labels.get("source_principal"));
    assertEquals("default", labels.get("source_workload_namespace"), "from the SPIFFE id");
    assertEquals(PRODUCTPAGE_ID, labels.get("destination_principal"));
    assertEquals("mutual_tls", labels.get("connection_security_policy"));
    assertEquals("unknown", labels.get("source_workload"), "no metadata exchange");
  }

  @Test
  void anInboundPlaintextRequestHasNoPrincipalsAndNoPolicy() {
    metrics.httpRequest(http(Direction.INBOUND, 200, MeshPeer.NONE));
    metrics.httpRequest(http(Direction.INBOUND, 201, new MeshPeer("", PRODUCTPAGE_ID, null)));
    Exposition e = scrape();
    for (String code : List.of("200", "201")) {
      Map<String, String> labels = e.one("istio_requests_total", Map.of("response_code", code)).labels();
      assertEquals("unknown", labels.get("source_principal"));
      assertEquals("none", labels.get("connection_security_policy"), "mutual TLS needs both SANs: " + code);
    }
  }

  @Test
  void anInboundRequestsExchangedMetadataNamesTheSource() {
    PeerMetadata reviews = new PeerMetadata("reviews-v2-abc", "Kubernetes", "other", "reviews-v2", "reviews", "v2",
        "reviews", "v2", "deployment", "", "", "");
    metrics.httpRequest(http(Direction.INBOUND, 200, new MeshPeer(REVIEWS_ID, PRODUCTPAGE_ID, reviews)));
    Map<String, String> labels = scrape().one("istio_requests_total", Map.of()).labels();
    assertEquals("reviews-v2", labels.get("source_workload"));
    assertEquals("reviews", labels.get("source_canonical_service"));
    assertEquals("v2", labels.get("source_canonical_revision"));
    assertEquals("default", labels.get("source_workload_namespace"), "the SPIFFE id's namespace wins");
    assertEquals("reviews", labels.get("source_app"));
    assertEquals("v2", labels.get("source_version"));
    assertEquals("Kubernetes", labels.get("source_cluster"));
    assertEquals("productpage-v1", labels.get("destination_workload"));
  }

  @Test
  void anOutboundMutualTlsRequestNamesTheServersPrincipalAndOurs() {
    metrics.httpRequest(http(Direction.OUTBOUND, 200, new MeshPeer(REVIEWS_ID, PRODUCTPAGE_ID, null)));
    Map<String, String> labels = scrape().one("istio_requests_total", Map.of()).labels();
    assertEquals("source", labels.get("reporter"));
    assertEquals(PRODUCTPAGE_ID, labels.get("source_principal"));
    assertEquals(REVIEWS_ID, labels.get("destination_principal"));
    assertEquals("default", labels.get("destination_workload_namespace"));
    assertEquals("unknown", labels.get("connection_security_policy"), "Istio's client side does not say");
  }

  @Test
  void theServersExchangedMetadataWinsOverTheEndpointsAndFillsTheServiceNamespace() {
    String cluster = "outbound|9080|v2|reviews.default.svc.cluster.local";
    metrics.endpoints((c, host) -> Optional.of(Map.of("workload", "old;default;old;v0;Kubernetes")));
    PeerMetadata reviews = new PeerMetadata("reviews-v2-abc", "east", "default", "reviews-v2", "reviews", "v2",
        "reviews", "v2", "deployment", "", "", "");
    metrics.httpRequest(new AccessLogEntry(Direction.OUTBOUND, Instant.now(), "GET", "/", "HTTP/1.1", 200, "-", null,
        null, null, 0, 10, 1, null, null, "curl", "id", "reviews:9080", POD_IP, cluster, null, SERVICE_IP, CLIENT, null,
        "split", new MeshPeer("", "", reviews)));
    Map<String, String> labels = scrape().one("istio_requests_total", Map.of()).labels();
    assertEquals("reviews-v2", labels.get("destination_workload"));
    assertEquals("reviews", labels.get("destination_app"));
    assertEquals("v2", labels.get("destination_version"));
    assertEquals("east", labels.get("destination_cluster"));
    assertEquals("unknown", labels.get("destination_principal"), "plaintext, and sidecars claim no IDENTITY");

    IstioMetrics other = new IstioMetrics(PRODUCTPAGE, Duration.ZERO);
    PeerMetadata external = new PeerMetadata("", "", "shop", "web", "", "", "", "", "", "", "", "");
    other.httpRequest(http(Direction.OUTBOUND, 200, new MeshPeer("", "", external)));
    Map<String, String> passthrough = new Exposition(PrometheusText.text(other.registry()))
        .one("istio_requests_total", Map.of()).labels();
    assertEquals("shop", passthrough.get("destination_service_namespace"), "the peer's namespace as the fallback");
    assertEquals("latest", passthrough.get("destination_canonical_revision"));
  }

  @Test
  void anInboundMutualTlsConnectionIsReportedWithItsPrincipals() {
    ConnectionRecord record = new ConnectionRecord(CLIENT, POD_IP);
    record.downstreamTls(new DownstreamTls(new PeerIdentity(List.of(REVIEWS_ID), "ab"), "", List.of(PRODUCTPAGE_ID)));
    record.finish();
    metrics.tcpClosed(record.toEntry(Direction.INBOUND));
    Map<String, String> labels = scrape().one("istio_tcp_connections_closed_total", Map.of()).labels();
    assertEquals(REVIEWS_ID, labels.get("source_principal"));
    assertEquals(PRODUCTPAGE_ID, labels.get("destination_principal"));
    assertEquals("mutual_tls", labels.get("connection_security_policy"));

    ConnectionRecord outbound = new ConnectionRecord(CLIENT, SERVICE_IP);
    outbound.upstreamTls(new TlsPrincipals(REVIEWS_ID, PRODUCTPAGE_ID));
    outbound.finish();
    metrics.tcpClosed(outbound.toEntry(Direction.OUTBOUND));
    Map<String, String> out = scrape().one("istio_tcp_connections_closed_total", Map.of("reporter", "source")).labels();
    assertEquals(PRODUCTPAGE_ID, out.get("source_principal"));
    assertEquals(REVIEWS_ID, out.get("destination_principal"));
    assertEquals("unknown", out.get("connection_security_policy"));
  }

  @Test
  void peersBeyondTheSeriesLimitAreDroppedToo() {
    IstioMetrics small = new IstioMetrics(PRODUCTPAGE, Duration.ZERO, 1);
    small.httpRequest(http(Direction.INBOUND, 200, MeshPeer.NONE));
    small.httpRequest(http(Direction.INBOUND, 200, new MeshPeer("spiffe://x/ns/a/sa/b", PRODUCTPAGE_ID, null)));
    Exposition e = new Exposition(PrometheusText.text(small.registry()));
    assertEquals(1, e.value("istio_requests_total", Map.of("source_principal", "unknown", "destination_service", "unknown")));
  }

  @Test
  void aClusterTheMeshDoesNotHaveKeepsTheAuthorityLabels() {
    metrics.endpoints((c, host) -> Optional.empty());
    metrics.httpRequest(http(Direction.OUTBOUND, "reviews:9080", 200, "-", 0, 1, 1));
    assertEquals("reviews:9080",
        scrape().one("istio_requests_total", Map.of("response_code", "200")).labels().get("destination_service"));
  }

  private static void tick(EmbeddedChannel channel) {
    channel.advanceTimeBy(5, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();
  }

  private static AccessLogEntry http(Direction d, String authority, int code, String flags, long in, long out,
      long millis) {
    InetSocketAddress original = d == Direction.OUTBOUND ? SERVICE_IP : POD_IP;
    return new AccessLogEntry(d, Instant.now(), "GET", "/", "HTTP/1.1", code, flags, null, null, null, in, out,
        millis, null, null, "curl", "id", authority, original, "cluster", null, original, CLIENT, null, "default");
  }

  private static AccessLogEntry http(Direction d, int code, MeshPeer peer) {
    InetSocketAddress original = d == Direction.OUTBOUND ? SERVICE_IP : POD_IP;
    return new AccessLogEntry(d, Instant.now(), "GET", "/", "HTTP/1.1", code, "-", null, null, null, 0, 0,
        1, null, null, "curl", "id", "web.example.com", original, "cluster", null, original, CLIENT, null, "default", peer);
  }

  private static AccessLogEntry tcp(Direction d, long in, long out, String flags) {
    return new AccessLogEntry(d, Instant.now(), null, null, null, 0, flags, null, null, null, in, out, 5, null,
        null, null, null, null, POD_IP, "cluster", null, POD_IP, CLIENT, null, null);
  }
}
