package dev.outrigger.it.xds;

import static dev.outrigger.it.xds.BookinfoMesh.BOOKINFO_PORT;
import static dev.outrigger.it.xds.BookinfoMesh.HTTPBIN;
import static dev.outrigger.it.xds.BookinfoMesh.HTTPBIN_PORT;
import static dev.outrigger.it.xds.BookinfoMesh.HTTPBIN_VIP;
import static dev.outrigger.it.xds.BookinfoMesh.PRODUCTPAGE_VIP;
import static dev.outrigger.it.xds.BookinfoMesh.RATINGS_VIP;
import static dev.outrigger.it.xds.BookinfoMesh.REVIEWS_VIP;
import static dev.outrigger.it.xds.BookinfoMesh.DETAILS_VIP;
import static dev.outrigger.it.xds.BookinfoMesh.UNKNOWN_VIP;
import static dev.outrigger.it.xds.IstioShapes.outboundCluster;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outrigger.it.PodNetworkTestBase;
import dev.outrigger.it.apps.EchoPage;
import dev.outrigger.it.apps.StatusPage;
import dev.outrigger.it.apps.ToolJvm;
import dev.outrigger.it.apps.ToolServer;
import dev.outrigger.it.harness.BackgroundProcess;
import dev.outrigger.it.harness.CommandResult;
import dev.outrigger.it.harness.Pod;
import dev.outrigger.it.harness.Waits;
import dev.outrigger.it.http.HttpLogLine;
import dev.outrigger.it.sidecar.Sidecar;
import dev.outrigger.it.xds.IstioShapes.OutboundPolicy;
import dev.outrigger.it.xds.IstioShapes.Workload;
import dev.outrigger.it.xds.ServiceCalls.Call;
import dev.outrigger.it.xds.ServiceCalls.Tally;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Outrigger as an xDS data plane: a client pod ("sleep") with the sidecar and Istio's iptables
 * rules, driven by a real ADS server (java-control-plane, {@link ControlPlane}) that serves what
 * istiod would send it for seed 003's Bookinfo and seed 001's httpbin ({@link BookinfoMesh}).
 * The servers are pods without a sidecar, running real apps that say which pod answered; the
 * Services are VIPs in 10.96.0.0/24 that no pod owns and nothing routes, so a request only
 * arrives if the sidecar picked an endpoint. Every test asserts what a user sees: curl's status
 * and body, the sidecar's access log, /config_dump, /clusters.
 *
 * <p>Expected Envoy behaviour, with the Envoy source it is read from, is stated at each test.
 */
class XdsRoutingIT extends PodNetworkTestBase {
  private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);
  /** After a restart the sidecar reconnects with backoff; Envoy's ADS backoff tops out at 30 s. */
  private static final Duration RECONNECT_ACK_TIMEOUT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CONNECTED_STATE = "control_plane.connected_state";

  private final Map<String, Pod> pods = new LinkedHashMap<>();
  private BookinfoMesh baseline;
  private ControlPlane controlPlane;
  private Pod client;
  private Sidecar sidecar;
  private Instant sidecarStarted;
  private ServiceCalls calls;

  @Override
  protected String networkName() {
    return "xdsrt";
  }

  @BeforeAll
  void startMesh() {
    List<Workload> productpage = List.of(echo("productpage", "productpage", "v1"));
    List<Workload> details = List.of(
        echo("details-v1", "details", "v1"),
        // In the endpoints but refusing: nothing listens, the kernel answers RST (connect-failure).
        workload(network.addPod("details-refusing"), "details", "v1", BOOKINFO_PORT),
        // Up but failing: every answer a 500 (5xx).
        failing("details-erroring", "details", "v1", 500));
    List<Workload> ratings = List.of(echo("ratings-v1", "ratings", "v1"));
    List<Workload> reviews = List.of(
        echo("reviews-v1", "reviews", "v1"),
        echo("reviews-v2", "reviews", "v2"),
        echo("reviews-v3a", "reviews", "v3"),
        echo("reviews-v3b", "reviews", "v3"));
    List<Workload> httpbin = List.of(httpApp("httpbin-1"), httpApp("httpbin-2"));
    baseline = BookinfoMesh.of(OutboundPolicy.REGISTRY_ONLY, productpage, details, ratings, reviews, httpbin);

    controlPlane = ControlPlane.start(network, baseline.config());
    client = network.addPod("sleep");
    sidecarStarted = Instant.now();
    sidecar = Sidecar.inject(client, InjectedEnvironment.of(client, controlPlane));
    calls = new ServiceCalls(client);
  }

  @AfterAll
  void stopControlPlane() {
    if (controlPlane != null) {
      controlPlane.close();
    }
  }

  /** Tests that change the mesh or stop the control plane leave it as they found it. */
  @AfterEach
  void restoreBaseline() {
    if (!controlPlane.isRunning()) {
      controlPlane.restart();
    }
    Versions before = controlPlane.versions();
    Versions now = controlPlane.publish(baseline.config());
    if (!now.equals(before) && controlPlane.requests().stream().anyMatch(r -> !r.nonce().isEmpty())) {
      controlPlane.awaitAcks(now, RECONNECT_ACK_TIMEOUT);
    }
  }

  // ---- the xDS client (the agent's side of the contract) ------------------------------------

  /**
   * The sidecar dials PILOT_ADDRESS in plaintext, identifies itself with the node id pilot-agent
   * builds (pilot/pkg/model/context.go: type~ip~pod.namespace~namespace.svc.cluster.local),
   * subscribes to the four types and ACKs each version; it names the EDS clusters and route
   * configs it needs (Envoy subscribes to EDS by eds_cluster_config.service_name and to RDS by
   * route_config_name); nothing is NACKed.
   */
  @Test
  void theSidecarSubscribesAsIstioNodeAndAcksEveryType() {
    awaitBaselineApplied();
    Set<String> nodes = controlPlane.requests().stream().map(ControlPlane.Request::nodeId).collect(Collectors.toSet());
    Set<String> edsNames = namesRequested(XdsType.ENDPOINT);
    Set<String> rdsNames = namesRequested(XdsType.ROUTE);
    assertAll(
        () -> assertEquals(Set.of(InjectedEnvironment.nodeId(client)), nodes),
        () -> assertEquals(List.of(), controlPlane.nacks()),
        () -> assertTrue(edsNames.containsAll(Set.of(outboundCluster(BOOKINFO_PORT, "v1", "reviews"),
            outboundCluster(BOOKINFO_PORT, "v3", "reviews"), outboundCluster(HTTPBIN_PORT, "", HTTPBIN))), "EDS " + edsNames),
        () -> assertEquals(Set.of("9080", "80"), rdsNames));
  }

  // ---- seed 001: the service-named log line -------------------------------------------------

  /**
   * Seed 001's client-side line: upstream_cluster outbound|80||httpbin-service.default.svc.cluster.local,
   * upstream_host the chosen pod's IP:80, downstream_local_address the Service VIP:80 (which no
   * pod owns), route_name "default". Over 20 requests both pods are chosen: the sidecar balances.
   */
  @Test
  void seed001LineNamesTheServiceTheChosenPodAndTheVip() {
    awaitBaselineApplied();
    Set<String> podAddresses = Set.of(pods.get("httpbin-1").ip() + ":80", pods.get("httpbin-2").ip() + ":80");
    Set<String> chosen = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      Call call = calls.get(HTTPBIN, HTTPBIN_VIP, HTTPBIN_PORT, "/headers");
      HttpLogLine line = logLine(call);
      assertAll(line.toString(),
          () -> assertEquals(200, call.status(), call.exchange().toString()),
          () -> assertEquals(200, line.responseCode()),
          () -> assertEquals("-", line.responseFlags()),
          () -> assertEquals(outboundCluster(HTTPBIN_PORT, "", HTTPBIN), line.upstreamCluster()),
          () -> assertTrue(podAddresses.contains(line.upstreamHost()), "upstream_host " + line.upstreamHost()),
          () -> assertEquals(HTTPBIN_VIP + ":" + HTTPBIN_PORT, line.downstreamLocalAddress()),
          () -> assertEquals(client.ip(), HttpLogLine.ip(line.downstreamRemoteAddress())),
          () -> assertEquals(client.ip(), HttpLogLine.ip(line.upstreamLocalAddress())),
          // curl leaves the default port out of Host, as in the seed ("authority": "httpbin-service").
          () -> assertEquals(HTTPBIN, line.authority()),
          () -> assertEquals("default", line.routeName()));
      chosen.add(line.upstreamHost());
    }
    assertEquals(podAddresses, chosen, "both endpoints are chosen over 20 requests (2 * 0.5^20 to fail by chance)");
  }

  // ---- seed 003: matches, split, subsets ----------------------------------------------------

  /**
   * Seed 003's VirtualService: uri exact /productpage and prefix /api/v1/products reach
   * productpage; a path neither matches gets Envoy's 404 with flag NR and details
   * route_not_found (source/common/router/router.cc decodeHeaders: no route ->
   * CoreResponseFlag::NoRouteFound, ResponseCodeDetails RouteNotFound).
   */
  @Test
  void seed003UriMatchesReachProductpageAndOtherPathsHaveNoRoute() {
    awaitBaselineApplied();
    Map<String, String> routedByPath = Map.of(
        "/productpage", "productpage-productpage",
        "/api/v1/products", "productpage-api",
        "/api/v1/products/0/reviews", "productpage-api");
    for (Map.Entry<String, String> expected : routedByPath.entrySet()) {
      Call call = calls.get("productpage", PRODUCTPAGE_VIP, BOOKINFO_PORT, expected.getKey());
      HttpLogLine line = logLine(call);
      assertAll(expected.getKey() + "\n" + line,
          () -> assertEquals(200, call.status()),
          () -> assertEquals("productpage", call.answeredBy()),
          () -> assertEquals(expected.getValue(), line.routeName()),
          () -> assertEquals(outboundCluster(BOOKINFO_PORT, "", "productpage"), line.upstreamCluster()),
          () -> assertEquals(pods.get("productpage").ip() + ":" + BOOKINFO_PORT, line.upstreamHost()));
    }
    for (String unmatched : List.of("/productpage/extra", "/static/style.css", "/api/v2/products")) {
      Call call = calls.get("productpage", PRODUCTPAGE_VIP, BOOKINFO_PORT, unmatched);
      HttpLogLine line = logLine(call);
      assertAll(unmatched + "\n" + line,
          () -> assertEquals(404, call.status()),
          () -> assertEquals("NR", line.responseFlags()),
          () -> assertEquals("route_not_found", line.responseCodeDetails()),
          () -> assertEquals("-", line.routeName(), "no route took it: Envoy logs no route name"),
          () -> assertEquals("-", line.upstreamHost()));
    }
  }

  /**
   * Seed 003's 5/5/90 split of reviews over 2,000 requests. Envoy picks a weighted cluster per
   * request at random (source/common/router/config_impl.cc pickCluster: a random value modulo
   * the total weight, then the interval it falls in), so each subset's count is binomial(n, p). Tolerance:
   * 5 standard deviations, |count - n p| &lt;= 5 sqrt(n p (1 - p)): for n = 2000 that is
   * 100 +- 49 for v1 and v2 and 1800 +- 67 for v3; a correct sidecar fails this about once in
   * 1.7 million runs. Both v3 pods serve v3's share (the subset balances over its endpoints).
   */
  @Test
  void reviewsSplitFollowsTheWeightsWithinFiveSigmaOver2000Requests() {
    awaitBaselineApplied();
    int n = 2000;
    Tally tally = calls.batch("reviews", REVIEWS_VIP, BOOKINFO_PORT, "/reviews", n);
    int v1 = tally.of("reviews-v1");
    int v2 = tally.of("reviews-v2");
    int v3 = tally.of("reviews-v3a") + tally.of("reviews-v3b");
    System.out.printf("reviews split over %d requests: v1 %d (%.1f%%), v2 %d (%.1f%%), v3 %d (%.1f%%) [v3a %d, v3b %d]%n",
        n, v1, 100.0 * v1 / n, v2, 100.0 * v2 / n, v3, 100.0 * v3 / n, tally.of("reviews-v3a"), tally.of("reviews-v3b"));
    assertAll(tally.toString(),
        () -> assertEquals(n, tally.responses()),
        () -> assertEquals(0, tally.notOk()),
        () -> assertEquals(n, v1 + v2 + v3),
        () -> assertWithinFiveSigma("v1", v1, n, 0.05),
        () -> assertWithinFiveSigma("v2", v2, n, 0.05),
        () -> assertWithinFiveSigma("v3", v3, n, 0.90),
        () -> assertTrue(tally.of("reviews-v3a") > 0 && tally.of("reviews-v3b") > 0, "both v3 pods used"));
  }

  /**
   * DestinationRule subsets by the pod label `version`: istiod sends each subset cluster only the
   * endpoints whose labels match (one ClusterLoadAssignment per subset cluster), so every request
   * the split sends to outbound|9080|vN|reviews... lands on a pod labelled vN; and Bookinfo's
   * end-user: jason route pins subset v2.
   */
  @Test
  void subsetClustersReachOnlyPodsWithTheirVersionLabel() {
    awaitBaselineApplied();
    Map<String, String> versionByAddress = new LinkedHashMap<>();
    for (String pod : List.of("reviews-v1", "reviews-v2", "reviews-v3a", "reviews-v3b")) {
      versionByAddress.put(pods.get(pod).ip() + ":" + BOOKINFO_PORT, pod.substring("reviews-".length(), "reviews-".length() + 2));
    }
    for (int i = 0; i < 60; i++) {
      Call call = calls.get("reviews", REVIEWS_VIP, BOOKINFO_PORT, "/reviews/subset");
      HttpLogLine line = logLine(call);
      String version = versionByAddress.get(line.upstreamHost());
      assertAll(line.toString(),
          () -> assertEquals(200, call.status()),
          () -> assertEquals(outboundCluster(BOOKINFO_PORT, version, "reviews"), line.upstreamCluster()),
          () -> assertEquals("reviews-split", line.routeName()));
    }
    for (int i = 0; i < 10; i++) {
      Call call = calls.get("reviews", REVIEWS_VIP, BOOKINFO_PORT, "/reviews/jason", "end-user: jason");
      HttpLogLine line = logLine(call);
      assertAll(line.toString(),
          () -> assertEquals("reviews-v2", call.answeredBy()),
          () -> assertEquals(outboundCluster(BOOKINFO_PORT, "v2", "reviews"), line.upstreamCluster()),
          () -> assertEquals("reviews-jason", line.routeName()));
    }
  }

  // ---- timeouts, retries, faults, REGISTRY_ONLY ---------------------------------------------

  /**
   * A VirtualService timeout of 0.5 s on a request the app answers after 3 s: Envoy's global
   * route timeout (source/common/router/router.cc onResponseTimeout -> onUpstreamTimeoutAbort
   * with CoreResponseFlag::UpstreamRequestTimeout and ResponseCodeDetails ResponseTimeout, which
   * envoy/stream_info/stream_info.h spells "response_timeout") answers 504 "upstream request
   * timeout" with flag UT and details response_timeout. Istio's
   * default retry_on (no "reset", no "5xx") does not retry a timeout.
   */
  @Test
  void routeTimeoutAnswers504WithFlagUT() {
    awaitBaselineApplied();
    Instant start = Instant.now();
    Call call = calls.get(HTTPBIN, HTTPBIN_VIP, HTTPBIN_PORT, "/slow/3000");
    long tookMillis = Duration.between(start, Instant.now()).toMillis();
    HttpLogLine line = logLine(call);
    assertAll(line + "\n" + call.exchange(),
        () -> assertEquals(504, call.status()),
        () -> assertEquals("upstream request timeout", call.exchange().body()),
        () -> assertEquals("UT", line.responseFlags()),
        () -> assertEquals("response_timeout", line.responseCodeDetails()),
        () -> assertEquals("delay", line.routeName()),
        () -> assertEquals(outboundCluster(HTTPBIN_PORT, "", HTTPBIN), line.upstreamCluster()),
        () -> assertTrue(line.durationMillis() >= BookinfoMesh.HTTPBIN_SLOW_TIMEOUT_MILLIS, "duration " + line.durationMillis()),
        () -> assertTrue(tookMillis < 2500, "answered after " + tookMillis + " ms, not after the app's 3 s"));
  }

  /**
   * details has three endpoints, one healthy, one refusing connections and one answering 500;
   * its VirtualService retries {attempts: 3, retryOn: 5xx,connect-failure}, which istiod writes
   * as retry_on "5xx,connect-failure", num_retries 3, with the previous_hosts predicate
   * (retry.go ConvertPolicy). Envoy retries a 5xx response and a connect failure on another
   * host (source/common/router/router.cc maybeRetryReset asks the retry state on a reset; the
   * previous_hosts predicate steers the next pick away from tried hosts; retry_on "5xx" covers
   * both per Envoy's router docs); details' DestinationRule asks for ROUND_ROBIN, which reaches each of the three
   * hosts within three picks, so every request succeeds, answered by the healthy pod.
   */
  @Test
  void retriesOnFailingEndpointsSucceed() {
    awaitBaselineApplied();
    String healthy = pods.get("details-v1").ip() + ":" + BOOKINFO_PORT;
    for (int i = 0; i < 30; i++) {
      Call call = calls.get("details", DETAILS_VIP, BOOKINFO_PORT, "/details/" + i);
      HttpLogLine line = logLine(call);
      assertAll(line + "\n" + call.exchange(),
          () -> assertEquals(200, call.status()),
          () -> assertEquals("details-v1", call.answeredBy()),
          () -> assertEquals("-", line.responseFlags()),
          () -> assertEquals(healthy, line.upstreamHost()),
          () -> assertEquals("details-retries", line.routeName()));
    }
  }

  /**
   * Bookinfo's ratings-test-abort: for end-user jason, abort with 500 at 100%. Envoy's fault filter
   * (source/extensions/filters/http/fault/fault_filter.cc abortWithStatus) sets
   * CoreResponseFlag::FaultInjected (FI) and answers locally with details fault_filter_abort and
   * body "fault filter abort"; no upstream is chosen. Other users reach ratings v1.
   */
  @Test
  void faultAbortAnswersItsCodeWithFlagFI() {
    awaitBaselineApplied();
    Call aborted = calls.get("ratings", RATINGS_VIP, BOOKINFO_PORT, "/ratings/0", "end-user: jason");
    HttpLogLine abortedLine = logLine(aborted);
    Call passed = calls.get("ratings", RATINGS_VIP, BOOKINFO_PORT, "/ratings/0", "end-user: someone");
    HttpLogLine passedLine = logLine(passed);
    assertAll(abortedLine + "\n" + passedLine,
        () -> assertEquals(BookinfoMesh.RATINGS_ABORT_STATUS, aborted.status()),
        () -> assertEquals("fault filter abort", aborted.exchange().body()),
        () -> assertEquals("FI", abortedLine.responseFlags()),
        () -> assertEquals("fault_filter_abort", abortedLine.responseCodeDetails()),
        () -> assertEquals("ratings-abort", abortedLine.routeName()),
        () -> assertEquals("-", abortedLine.upstreamHost()),
        () -> assertEquals(200, passed.status()),
        () -> assertEquals("ratings-v1", passed.answeredBy()),
        () -> assertEquals(outboundCluster(BOOKINFO_PORT, "v1", "ratings"), passedLine.upstreamCluster()));
  }

  /**
   * outboundTrafficPolicy REGISTRY_ONLY as istiod emits it: on a known HTTP port, a host no
   * Service has falls to the "*" virtual host block_all, a direct_response 502 (httproute.go
   * buildCatchAllVirtualHost; Envoy answers a direct response with details direct_response and
   * no flag); on a port no Service uses, virtualOutbound's catch-all chain sends the connection
   * to BlackHoleCluster, a STATIC cluster without hosts, and tcp_proxy closes it with flag UH
   * (source/common/tcp_proxy/tcp_proxy.cc: no host -> CoreResponseFlag::NoHealthyUpstream).
   */
  @Test
  void registryOnlyAnswers502ForAnUnknownHostAndBlackHolesAnUnknownPort() {
    awaitBaselineApplied();
    Call unknownHost = calls.get("unknown.example.com", UNKNOWN_VIP, BOOKINFO_PORT, "/anything");
    HttpLogLine line = logLine(unknownHost);
    assertAll(line.toString(),
        () -> assertEquals(502, unknownHost.status()),
        () -> assertEquals("block_all", line.routeName()),
        () -> assertEquals("direct_response", line.responseCodeDetails()),
        () -> assertEquals("-", line.upstreamHost()),
        () -> assertEquals(UNKNOWN_VIP + ":" + BOOKINFO_PORT, line.downstreamLocalAddress()));

    int unknownPort = 7777;
    int sourcePort = 42777;
    CommandResult tcp = client.exec(Duration.ofSeconds(20), List.of("curl", "-sS", "--max-time", "5",
        "--local-port", String.valueOf(sourcePort), "http://" + UNKNOWN_VIP + ":" + unknownPort + "/"));
    assertNotEquals(0, tcp.exitCode(), "the connection is closed without a response\n" + tcp.describe());
    String tcpLine = sidecar.awaitAccessLog("a line for the black-holed connection",
        candidate -> candidate.contains(" " + client.ip() + ":" + sourcePort + " "));
    assertAll(tcpLine,
        () -> assertTrue(tcpLine.contains(" " + IstioShapes.BLACK_HOLE_CLUSTER + " "), "cluster BlackHoleCluster"),
        () -> assertTrue(tcpLine.contains("\"- - -\" 0 UH "), "a TCP line with flag UH"));
  }

  // ---- updates ------------------------------------------------------------------------------

  /**
   * An endpoint removed by EDS while requests flow: Envoy applies the new ClusterLoadAssignment
   * between requests, lets requests in flight on the removed host finish and chooses only the
   * remaining hosts afterwards (Envoy's EDS semantics: a host update changes the load balancer's
   * host set, it does not reset streams), so no request fails; the pod itself keeps running, as a terminating pod does during its
   * grace period. After the ACK (plus a moment for requests already routed) no request goes to
   * the removed pod.
   */
  @Test
  void anEndpointRemovedByEdsDuringLoadFailsNoRequest() throws InterruptedException {
    awaitBaselineApplied();
    Pod removed = pods.get("httpbin-2");
    BackgroundProcess load = ToolJvm.start(client, "http-load", "http-load", HTTPBIN_VIP, String.valueOf(HTTPBIN_PORT),
        "/load", "4", "100", "8000");
    load.awaitStdoutLine("the load to start", Duration.ofSeconds(20), "started"::equals);
    Thread.sleep(2000);
    Versions before = controlPlane.versions();
    Versions versions = controlPlane.publish(baseline.withoutHttpbinEndpoint(removed.ip()).config());
    // An EDS push alone, as istiod sends for an endpoint change.
    assertEquals(before.of(XdsType.CLUSTER), versions.of(XdsType.CLUSTER));
    assertNotEquals(before.of(XdsType.ENDPOINT), versions.of(XdsType.ENDPOINT));
    controlPlane.awaitAck(XdsType.ENDPOINT, versions.of(XdsType.ENDPOINT), ACK_TIMEOUT);
    Instant settled = Instant.now().plusSeconds(1);
    int exit = load.awaitExit(Duration.ofSeconds(30));
    assertEquals(0, exit, load.describeOutput());

    List<HttpLogLine> after = sidecar.flushedAccessLog().stream()
        .filter(l -> l.contains(" /load HTTP/1.1\""))
        .map(HttpLogLine::parseText)
        .filter(l -> l.start().isAfter(settled))
        .toList();
    assertFalse(after.isEmpty(), "requests were logged after the update");
    assertAll(after.stream().map(l -> () -> assertNotEquals(removed.ip() + ":" + HTTPBIN_PORT, l.upstreamHost(),
        "a request after the EDS update went to the removed pod: " + l)));
  }

  /**
   * istiod (the test's server) stopped: the sidecar keeps serving its last configuration (Envoy
   * keeps its xDS state when the ADS stream fails and reconnects with backoff; Istio documents
   * the same for istiod outages), so requests keep routing. An
   * update published while it was away (reviews 100% v1) applies once it is back.
   */
  @Test
  void trafficFlowsOnTheLastConfigWhileTheControlPlaneIsAwayAndTheNextUpdateApplies() {
    awaitBaselineApplied();
    // Envoy's gauge control_plane.connected_state: 1 while the ADS stream is up, 0 when it is
    // not (docs: configuration/overview/mgmt_server, "Management server" statistics).
    assertEquals(1, sidecar.stats().get(CONNECTED_STATE));
    controlPlane.stop();
    Waits.until("the sidecar to notice the control plane is gone", Duration.ofSeconds(15),
        () -> sidecar.stats().get(CONNECTED_STATE) == 0);
    Tally whileAway = calls.batch("reviews", REVIEWS_VIP, BOOKINFO_PORT, "/reviews/away", 50, "end-user: jason");
    Call productpage = calls.get("productpage", PRODUCTPAGE_VIP, BOOKINFO_PORT, "/productpage");
    assertAll(whileAway.toString(),
        () -> assertEquals(50, whileAway.responses()),
        () -> assertEquals(0, whileAway.notOk()),
        () -> assertEquals(50, whileAway.of("reviews-v2")),
        () -> assertEquals(200, productpage.status()),
        () -> assertEquals("productpage", productpage.answeredBy()));

    Versions update = controlPlane.publish(baseline.withReviewsWeights(100, 0, 0).config());
    controlPlane.restart();
    controlPlane.awaitAck(XdsType.ROUTE, update.of(XdsType.ROUTE), RECONNECT_ACK_TIMEOUT);
    Tally afterUpdate = calls.batch("reviews", REVIEWS_VIP, BOOKINFO_PORT, "/reviews/back", 50);
    assertAll(afterUpdate.toString(),
        () -> assertEquals(0, afterUpdate.notOk()),
        () -> assertEquals(50, afterUpdate.of("reviews-v1")));
  }

  // ---- admin --------------------------------------------------------------------------------

  /**
   * /config_dump in Envoy's layout (source/server/admin/config_dump_handler.cc; proto field names
   * as Envoy prints them): configs[] holding a ListenersConfigDump with dynamic_listeners, a
   * RoutesConfigDump with dynamic_route_configs, a ClustersConfigDump with
   * dynamic_active_clusters and, with ?include_eds, an EndpointsConfigDump; the versions are the
   * control plane's. Istio's own filters arrive as udpa TypedStructs and must print too.
   */
  @Test
  void configDumpShowsTheReceivedResourcesAndVersions() {
    awaitBaselineApplied();
    Versions versions = controlPlane.versions();
    JsonNode dump = json(sidecar.admin("GET", "/config_dump?include_eds").requireSuccess().stdout());
    JsonNode listeners = config(dump, "type.googleapis.com/envoy.admin.v3.ListenersConfigDump");
    JsonNode routes = config(dump, "type.googleapis.com/envoy.admin.v3.RoutesConfigDump");
    JsonNode clusters = config(dump, "type.googleapis.com/envoy.admin.v3.ClustersConfigDump");
    JsonNode endpoints = config(dump, "type.googleapis.com/envoy.admin.v3.EndpointsConfigDump");
    assertAll(
        () -> assertEquals(Set.of(IstioShapes.VIRTUAL_OUTBOUND, IstioShapes.VIRTUAL_INBOUND, "0.0.0.0_9080", "0.0.0.0_80"),
            names(listeners.path("dynamic_listeners"), "name")),
        () -> assertEquals(versions.of(XdsType.LISTENER), listeners.path("version_info").asText()),
        () -> assertEquals(Set.of("9080", "80"), names(routes.path("dynamic_route_configs"), "route_config", "name")),
        () -> assertTrue(names(clusters.path("dynamic_active_clusters"), "cluster", "name").containsAll(Set.of(
            outboundCluster(BOOKINFO_PORT, "v3", "reviews"), outboundCluster(HTTPBIN_PORT, "", HTTPBIN),
            IstioShapes.BLACK_HOLE_CLUSTER, IstioShapes.PASSTHROUGH_CLUSTER))),
        () -> assertEquals(versions.of(XdsType.CLUSTER), clusters.path("version_info").asText()),
        () -> assertTrue(names(endpoints.path("dynamic_endpoint_configs"), "endpoint_config", "cluster_name")
            .contains(outboundCluster(BOOKINFO_PORT, "v3", "reviews"))));
  }

  /**
   * /clusters lists every host of a cluster as "cluster::ip:port::health_flags::healthy"
   * (source/server/admin/clusters_handler.cc): subset v3 has exactly the two v3 pods.
   */
  @Test
  void clustersListsEachSubsetsEndpointsAsHealthy() {
    awaitBaselineApplied();
    String clustersText = sidecar.admin("GET", "/clusters").requireSuccess().stdout();
    String v3 = outboundCluster(BOOKINFO_PORT, "v3", "reviews");
    assertAll(clustersText,
        () -> assertTrue(clustersText.contains(v3 + "::" + pods.get("reviews-v3a").ip() + ":9080::health_flags::healthy")),
        () -> assertTrue(clustersText.contains(v3 + "::" + pods.get("reviews-v3b").ip() + ":9080::health_flags::healthy")),
        () -> assertFalse(clustersText.contains(v3 + "::" + pods.get("reviews-v1").ip() + ":9080::")));
  }

  // ---- helpers ------------------------------------------------------------------------------

  /**
   * Every test starts from the baseline ACKed. A sidecar that has not dialled at all within
   * ACK_TIMEOUT of its start fails each test at once, rather than each waiting the timeout again.
   */
  private void awaitBaselineApplied() {
    if (controlPlane.requests().isEmpty() && Instant.now().isAfter(sidecarStarted.plus(ACK_TIMEOUT))) {
      throw new AssertionError("the sidecar never dialled the control plane at " + controlPlane.address()
          + " (PILOT_ADDRESS), " + Duration.between(sidecarStarted, Instant.now()).toSeconds() + " s after it started");
    }
    controlPlane.awaitAcks(controlPlane.versions(), ACK_TIMEOUT);
  }

  private Set<String> namesRequested(XdsType type) {
    Set<String> names = new HashSet<>();
    controlPlane.requests().stream().filter(r -> r.type() == type).forEach(r -> names.addAll(r.resourceNames()));
    return names;
  }

  private HttpLogLine logLine(Call call) {
    return HttpLogLine.parseText(sidecar.awaitAccessLog("a line for request " + call.requestId(),
        line -> line.contains(" \"" + call.requestId() + "\" ")));
  }

  private static void assertWithinFiveSigma(String what, int count, int n, double p) {
    double mean = n * p;
    double sigma = Math.sqrt(n * p * (1 - p));
    assertTrue(Math.abs(count - mean) <= 5 * sigma,
        String.format("%s: %d of %d, expected %.0f +- %.0f (5 sigma)", what, count, n, mean, 5 * sigma));
  }

  private Workload echo(String podName, String app, String version) {
    Pod pod = network.addPod(podName);
    EchoPage.start(pod, BOOKINFO_PORT);
    return workload(pod, app, version, BOOKINFO_PORT);
  }

  private Workload failing(String podName, String app, String version, int status) {
    Pod pod = network.addPod(podName);
    StatusPage.start(pod, BOOKINFO_PORT, status);
    return workload(pod, app, version, BOOKINFO_PORT);
  }

  private Workload httpApp(String podName) {
    Pod pod = network.addPod(podName);
    ToolServer.startHttpApp(pod, "0.0.0.0", HTTPBIN_PORT);
    return workload(pod, "httpbin", "v1", HTTPBIN_PORT);
  }

  private Workload workload(Pod pod, String app, String version, int port) {
    pods.put(pod.name(), pod);
    return new Workload(pod.name(), pod.ip(), port, app, version);
  }

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException("/config_dump is not JSON: " + text, e);
    }
  }

  private static JsonNode config(JsonNode dump, String type) {
    for (JsonNode config : dump.path("configs")) {
      if (type.equals(config.path("@type").asText())) {
        return config;
      }
    }
    throw new AssertionError("no " + type + " in configs[] of " + dump);
  }

  private static Set<String> names(JsonNode array, String... path) {
    return StreamSupport.stream(array.spliterator(), false)
        .map(node -> {
          JsonNode at = node;
          for (String key : path) {
            at = at.path(key);
          }
          return at.asText();
        })
        .collect(Collectors.toSet());
  }
}
