package dev.outrigger.it.xds;

import static dev.outrigger.it.xds.IstioShapes.defaultRetryPolicy;
import static dev.outrigger.it.xds.IstioShapes.edsCluster;
import static dev.outrigger.it.xds.IstioShapes.endpoints;
import static dev.outrigger.it.xds.IstioShapes.exact;
import static dev.outrigger.it.xds.IstioShapes.millis;
import static dev.outrigger.it.xds.IstioShapes.noTimeout;
import static dev.outrigger.it.xds.IstioShapes.outboundCluster;
import static dev.outrigger.it.xds.IstioShapes.prefix;
import static dev.outrigger.it.xds.IstioShapes.prefixWithHeader;
import static dev.outrigger.it.xds.IstioShapes.route;
import static dev.outrigger.it.xds.IstioShapes.serviceVirtualHost;
import static dev.outrigger.it.xds.IstioShapes.weightedRoute;

import dev.outrigger.it.xds.IstioShapes.OutboundPolicy;
import dev.outrigger.it.xds.IstioShapes.Workload;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.route.v3.Route;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What istiod would send the client sidecar ("sleep" in namespace default) for a mesh of seed
 * 003's Bookinfo and seed 001's httpbin, given the pods that back the services. The Istio
 * configuration it stands for:
 *
 * <pre>
 * meshConfig.outboundTrafficPolicy.mode: REGISTRY_ONLY (or ALLOW_ANY)
 * Service productpage 10.96.0.10:9080 (http)   VirtualService: uri exact /productpage, exact /login,
 *                                               exact /logout, prefix /api/v1/products -> productpage
 * Service details     10.96.0.11:9080 (http)   VirtualService: retries {attempts: 3, retryOn: 5xx,connect-failure};
 *                                               DestinationRule: loadBalancer ROUND_ROBIN
 * Service ratings     10.96.0.12:9080 (http)   DestinationRule subsets v1; VirtualService (Bookinfo's
 *                                               ratings-test-abort): end-user=jason -> abort 500 (100%),
 *                                               else -> subset v1
 * Service reviews     10.96.0.20:9080 (http)   DestinationRule subsets v1/v2/v3 by label version;
 *                                               VirtualService: end-user=jason -> v2, else 5/5/90 v1/v2/v3
 * Service httpbin-service 10.96.0.30:80 (http) VirtualService: prefix /slow/ -> timeout 0.5s;
 *                                               everything else on a route named "default"
 * </pre>
 * The VirtualService routes carry names (http[].name), which istiod copies into the route name
 * (route.go TranslateRoute) and the access log shows as %ROUTE_NAME%.
 */
public record BookinfoMesh(
    OutboundPolicy policy,
    List<Workload> productpage,
    List<Workload> details,
    List<Workload> ratings,
    List<Workload> reviews,
    List<Workload> httpbin,
    int reviewsV1Weight,
    int reviewsV2Weight,
    int reviewsV3Weight) {

  public static final int BOOKINFO_PORT = 9080;
  public static final int HTTPBIN_PORT = 80;
  public static final String PRODUCTPAGE_VIP = "10.96.0.10";
  public static final String DETAILS_VIP = "10.96.0.11";
  public static final String RATINGS_VIP = "10.96.0.12";
  public static final String REVIEWS_VIP = "10.96.0.20";
  public static final String HTTPBIN_VIP = "10.96.0.30";
  /** In the Service range, but no Service has it: the "unknown destination". */
  public static final String UNKNOWN_VIP = "10.96.0.99";
  public static final String HTTPBIN = "httpbin-service";
  /** VirtualService timeout of httpbin's /slow/ route. */
  public static final long HTTPBIN_SLOW_TIMEOUT_MILLIS = 500;
  /** Bookinfo's ratings-test-abort: httpStatus 500 for end-user jason. */
  public static final int RATINGS_ABORT_STATUS = 500;

  public BookinfoMesh {
    productpage = List.copyOf(productpage);
    details = List.copyOf(details);
    ratings = List.copyOf(ratings);
    reviews = List.copyOf(reviews);
    httpbin = List.copyOf(httpbin);
  }

  /** Seed 003's split. */
  public static BookinfoMesh of(OutboundPolicy policy, List<Workload> productpage, List<Workload> details,
      List<Workload> ratings, List<Workload> reviews, List<Workload> httpbin) {
    return new BookinfoMesh(policy, productpage, details, ratings, reviews, httpbin, 5, 5, 90);
  }

  public BookinfoMesh withReviewsWeights(int v1, int v2, int v3) {
    return new BookinfoMesh(policy, productpage, details, ratings, reviews, httpbin, v1, v2, v3);
  }

  /** The same mesh after the pod at {@code ip} left httpbin's endpoints (an EDS-only change). */
  public BookinfoMesh withoutHttpbinEndpoint(String ip) {
    return new BookinfoMesh(policy, productpage, details, ratings, reviews,
        httpbin.stream().filter(w -> !w.ip().equals(ip)).toList(), reviewsV1Weight, reviewsV2Weight, reviewsV3Weight);
  }

  public MeshConfig config() {
    List<Cluster> clusters = new ArrayList<>(List.of(
        IstioShapes.blackHoleCluster(), IstioShapes.passthroughCluster(), IstioShapes.inboundPassthroughCluster()));
    List<ClusterLoadAssignment> assignments = new ArrayList<>();
    Map<String, List<Workload>> eds = new LinkedHashMap<>();
    eds.put(outboundCluster(BOOKINFO_PORT, "", "productpage"), productpage);
    eds.put(outboundCluster(BOOKINFO_PORT, "", "details"), details);
    eds.put(outboundCluster(BOOKINFO_PORT, "", "ratings"), ratings);
    eds.put(outboundCluster(BOOKINFO_PORT, "v1", "ratings"), withVersion(ratings, "v1"));
    eds.put(outboundCluster(BOOKINFO_PORT, "", "reviews"), reviews);
    // Subset clusters: istiod selects the endpoints by the DestinationRule's labels itself
    // (EDS per subset cluster), the sidecar receives only the matching ones.
    for (String version : List.of("v1", "v2", "v3")) {
      eds.put(outboundCluster(BOOKINFO_PORT, version, "reviews"), withVersion(reviews, version));
    }
    eds.put(outboundCluster(HTTPBIN_PORT, "", HTTPBIN), httpbin);
    eds.forEach((name, workloads) -> {
      Cluster cluster = edsCluster(name, serviceOf(name));
      if (serviceOf(name).equals("details")) {
        // DestinationRule details: loadBalancer.simple ROUND_ROBIN (cluster_traffic_policy.go
        // applyRoundRobinLoadBalancer). Round robin visits every host within as many picks as
        // there are hosts, so three attempts always reach the one healthy endpoint; with the
        // default LEAST_REQUEST (random picks) a request would fail now and then by chance.
        cluster = cluster.toBuilder().setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN).build();
      }
      clusters.add(cluster);
      assignments.add(endpoints(name, workloads));
    });

    return new MeshConfig(
        List.of(IstioShapes.virtualOutbound(policy), IstioShapes.virtualInbound(),
            IstioShapes.httpOutboundListener(BOOKINFO_PORT), IstioShapes.httpOutboundListener(HTTPBIN_PORT)),
        List.of(
            IstioShapes.routeConfiguration(BOOKINFO_PORT, List.of(
                serviceVirtualHost("productpage", PRODUCTPAGE_VIP, BOOKINFO_PORT, productpageRoutes()),
                serviceVirtualHost("details", DETAILS_VIP, BOOKINFO_PORT, detailsRoutes()),
                serviceVirtualHost("ratings", RATINGS_VIP, BOOKINFO_PORT, ratingsRoutes()),
                serviceVirtualHost("reviews", REVIEWS_VIP, BOOKINFO_PORT, reviewsRoutes())), policy),
            IstioShapes.routeConfiguration(HTTPBIN_PORT, List.of(
                serviceVirtualHost(HTTPBIN, HTTPBIN_VIP, HTTPBIN_PORT, httpbinRoutes())), policy)),
        clusters,
        assignments);
  }

  /** Seed 003's VirtualService matches, all to productpage:9080. */
  private static List<Route> productpageRoutes() {
    String cluster = outboundCluster(BOOKINFO_PORT, "", "productpage");
    List<Route> routes = new ArrayList<>();
    for (String path : List.of("/productpage", "/login", "/logout")) {
      routes.add(route("productpage" + path.replace('/', '-'), exact(path), cluster, noTimeout(), defaultRetryPolicy(),
          "productpage", BOOKINFO_PORT));
    }
    routes.add(route("productpage-api", prefix("/api/v1/products"), cluster, noTimeout(), defaultRetryPolicy(),
        "productpage", BOOKINFO_PORT));
    return routes;
  }

  private static List<Route> detailsRoutes() {
    return List.of(route("details-retries", prefix("/"), outboundCluster(BOOKINFO_PORT, "", "details"), noTimeout(),
        IstioShapes.retries(3, "5xx,connect-failure"), "details", BOOKINFO_PORT));
  }

  private static List<Route> ratingsRoutes() {
    String v1 = outboundCluster(BOOKINFO_PORT, "v1", "ratings");
    return List.of(
        IstioShapes.withAbort(route("ratings-abort", prefixWithHeader("/", "end-user", "jason"), v1, noTimeout(),
            defaultRetryPolicy(), "ratings", BOOKINFO_PORT), RATINGS_ABORT_STATUS, 100),
        route("ratings-v1", prefix("/"), v1, noTimeout(), defaultRetryPolicy(), "ratings", BOOKINFO_PORT));
  }

  private List<Route> reviewsRoutes() {
    Map<String, Integer> split = new LinkedHashMap<>();
    split.put(outboundCluster(BOOKINFO_PORT, "v1", "reviews"), reviewsV1Weight);
    split.put(outboundCluster(BOOKINFO_PORT, "v2", "reviews"), reviewsV2Weight);
    split.put(outboundCluster(BOOKINFO_PORT, "v3", "reviews"), reviewsV3Weight);
    split.values().removeIf(weight -> weight == 0);
    return List.of(
        route("reviews-jason", prefixWithHeader("/", "end-user", "jason"), outboundCluster(BOOKINFO_PORT, "v2", "reviews"),
            noTimeout(), defaultRetryPolicy(), "reviews", BOOKINFO_PORT),
        weightedRoute("reviews-split", prefix("/"), split, noTimeout(), defaultRetryPolicy(), "reviews", BOOKINFO_PORT));
  }

  private static List<Route> httpbinRoutes() {
    String cluster = outboundCluster(HTTPBIN_PORT, "", HTTPBIN);
    return List.of(
        route("delay", prefix("/slow/"), cluster, millis(HTTPBIN_SLOW_TIMEOUT_MILLIS), defaultRetryPolicy(), HTTPBIN,
            HTTPBIN_PORT),
        // Named as istiod names the route it makes for a service without VirtualService
        // (route.go DefaultRouteName), so that seed 001's route_name "default" holds.
        route("default", prefix("/"), cluster, noTimeout(), defaultRetryPolicy(), HTTPBIN, HTTPBIN_PORT));
  }

  private static List<Workload> withVersion(List<Workload> workloads, String version) {
    return workloads.stream().filter(w -> w.version().equals(version)).toList();
  }

  /** "outbound|9080|v1|reviews.default.svc.cluster.local" -> "reviews" */
  private static String serviceOf(String clusterName) {
    String host = clusterName.substring(clusterName.lastIndexOf('|') + 1);
    return host.substring(0, host.indexOf('.'));
  }
}
