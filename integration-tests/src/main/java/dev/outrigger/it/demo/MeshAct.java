package dev.outrigger.it.demo;

import static dev.outrigger.it.xds.BookinfoMesh.BOOKINFO_PORT;
import static dev.outrigger.it.xds.BookinfoMesh.PRODUCTPAGE_VIP;
import static dev.outrigger.it.xds.BookinfoMesh.REVIEWS_VIP;
import static dev.outrigger.it.xds.IstioShapes.outboundCluster;

import dev.outrigger.it.http.HttpLogLine;
import dev.outrigger.it.xds.ControlPlane;
import dev.outrigger.it.xds.ServiceCalls.Call;
import dev.outrigger.it.xds.ServiceCalls.Tally;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The demo's third act, seed 003 on an xDS-driven sidecar: the 5/5/90 split of reviews as
 * observed shares, productpage's URI matches, and seed 001's point in two access-log lines (the
 * sidecar names the service subset, picks the pod, and the VIP is only the address dialled).
 */
public final class MeshAct {
  private static final String REVIEWS = "reviews";
  private static final String PRODUCTPAGE = "productpage";
  static final int SPLIT_REQUESTS = 2000;
  private static final double SIGMAS = 5;
  private static final String SPLIT_PATH = "/reviews";

  private final MeshCluster mesh;

  private MeshAct(MeshCluster mesh) {
    this.mesh = mesh;
  }

  public static void print(MeshCluster mesh) {
    MeshAct act = new MeshAct(mesh);
    act.printPods();
    act.printSplit();
    act.printMatches();
    act.printServiceLines();
  }

  private void printPods() {
    System.out.println("Seed 003 with a sidecar configured over xDS: a control plane (java-control-plane) serves what istiod\n"
        + "sends for Bookinfo to the sidecar of pod " + mesh.client().name() + " (PILOT_ADDRESS=" + ControlPlane.ADDRESS
        + "). The Services are VIPs that no pod owns.\n");
    TextTable pods = new TextTable("pod", "IP", "labels", "behind Service (VIP:port)", "sidecar")
        .row(mesh.client().name(), mesh.client().ip(), "app=" + mesh.client().name(), "-", "yes, config from xDS")
        .row(mesh.productpage().name(), mesh.productpage().ip(), "app=productpage", PRODUCTPAGE + " (" + PRODUCTPAGE_VIP + ":" + BOOKINFO_PORT + ")", "none");
    mesh.reviewsByVersion().forEach((version, pod) -> pods.row(pod.name(), pod.ip(), "app=reviews version=" + version,
        REVIEWS + " (" + REVIEWS_VIP + ":" + BOOKINFO_PORT + ")", "none"));
    System.out.println(pods.render());
  }

  /** (a) The reviews VirtualService's weights against what {@value #SPLIT_REQUESTS} requests got. */
  private void printSplit() {
    System.out.println("Reviews split: " + SPLIT_REQUESTS + " x curl http://" + REVIEWS + ":" + BOOKINFO_PORT + SPLIT_PATH
        + "/N from " + mesh.client().name() + " (one keep-alive connection; the name resolves to\n"
        + "the VIP " + REVIEWS_VIP + "). VirtualService reviews: weight 5 -> subset v1, 5 -> v2, 90 -> v3;\n"
        + "DestinationRule reviews: subsets by the pod label version.\n");
    Tally tally = mesh.calls().batch(REVIEWS, REVIEWS_VIP, BOOKINFO_PORT, SPLIT_PATH, SPLIT_REQUESTS);
    Map<String, Integer> weights = weights();
    int totalWeight = weights.values().stream().mapToInt(Integer::intValue).sum();
    TextTable table = new TextTable("subset", "configured weight", "requests", "observed share", "expected (5 sigma)",
        "within tolerance");
    mesh.reviewsByVersion().forEach((version, pod) -> {
      int count = tally.of(pod.name());
      BinomialTolerance tolerance = new BinomialTolerance(SPLIT_REQUESTS, (double) weights.get(version) / totalWeight, SIGMAS);
      table.row(version + " (" + pod.name() + ")", weights.get(version) + " of " + totalWeight, String.valueOf(count),
          String.format("%.1f %%", 100.0 * count / SPLIT_REQUESTS), tolerance.describe(), tolerance.admits(count) ? "yes" : "NO");
    });
    System.out.println(table.render());
    System.out.println("  Responses: " + tally.responses() + ", not 200: " + tally.notOk()
        + (tally.result().exitCode() == 0 ? "" : " (curl: " + tally.result().stderr().strip() + ")"));
    System.out.println("  Tolerance: Envoy picks a weighted cluster per request at random, so each subset's count is\n"
        + "  binomial(n, p); a count passes within 5 standard deviations, |count - n p| <= 5 sqrt(n p (1 - p)),\n"
        + "  which a correct sidecar misses about once in 1.7 million runs per subset.\n");
  }

  private Map<String, Integer> weights() {
    Map<String, Integer> weights = new LinkedHashMap<>();
    weights.put("v1", mesh.mesh().reviewsV1Weight());
    weights.put("v2", mesh.mesh().reviewsV2Weight());
    weights.put("v3", mesh.mesh().reviewsV3Weight());
    return weights;
  }

  /** (b) productpage's VirtualService matches: exact /productpage, prefix /api/v1/products, nothing else. */
  private void printMatches() {
    System.out.println("URI matches: curl http://" + PRODUCTPAGE + ":" + BOOKINFO_PORT + "<path> from " + mesh.client().name()
        + ". VirtualService productpage: uri exact /productpage,\n"
        + "exact /login, exact /logout, prefix /api/v1/products; route_name, flags and cluster from the sidecar's access log.\n");
    TextTable table = new TextTable("path", "HTTP status", "answered by", "route_name", "response_flags",
        "response_code_details", "upstream_cluster");
    for (String path : List.of("/productpage", "/api/v1/products/1", "/other")) {
      Call call = mesh.calls().get(PRODUCTPAGE, PRODUCTPAGE_VIP, BOOKINFO_PORT, path);
      HttpLogLine line = logLine(call);
      String answeredBy = call.answeredBy() == null ? "the sidecar (no pod)" : call.answeredBy();
      table.row(path, String.valueOf(call.status()), answeredBy, line.routeName(), line.responseFlags(),
          line.responseCodeDetails(), line.upstreamCluster());
    }
    System.out.println(table.render());
  }

  /**
   * (c) Seed 001's point: upstream_cluster names the service subset, upstream_host is the pod the
   * sidecar chose, downstream_local_address is the VIP the app dialled. Two lines of the split,
   * of two different subsets.
   */
  private void printServiceLines() {
    Map<String, String> podByAddress = new LinkedHashMap<>();
    mesh.reviewsByVersion().values().forEach(pod -> podByAddress.put(pod.ip() + ":" + BOOKINFO_PORT, pod.name()));
    List<String> lines = mesh.clientSidecar().flushedAccessLog();
    List<String> shown = new ArrayList<>();
    for (String subset : List.of("v3", "v1", "v2")) {
      if (shown.size() < 2) {
        firstLineOf(lines, outboundCluster(BOOKINFO_PORT, subset, REVIEWS)).ifPresent(shown::add);
      }
    }
    System.out.println("Access log of " + mesh.client().name() + "'s sidecar, two requests of the split:\n");
    for (String text : shown) {
      HttpLogLine line = HttpLogLine.parseText(text);
      System.out.println("  " + text);
      System.out.println("    upstream_cluster " + line.upstreamCluster() + "\n"
          + "    upstream_host " + line.upstreamHost() + " = pod " + podByAddress.getOrDefault(line.upstreamHost(), "?")
          + ", downstream_local_address " + line.downstreamLocalAddress() + " = the reviews VIP, which no pod owns\n");
    }
    if (shown.size() < 2) {
      System.out.println("  (only " + shown.size() + " line of the split was found in the access log)\n");
    }
  }

  private static Optional<String> firstLineOf(List<String> lines, String cluster) {
    return lines.stream()
        .filter(line -> line.contains("\"GET " + SPLIT_PATH + "/") && line.contains(" " + cluster + " "))
        .findFirst();
  }

  private HttpLogLine logLine(Call call) {
    return HttpLogLine.parseText(mesh.clientSidecar().awaitAccessLog("a line for request " + call.requestId(),
        line -> line.contains(" \"" + call.requestId() + "\" ")));
  }
}
