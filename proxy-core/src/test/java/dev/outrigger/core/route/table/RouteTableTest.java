package dev.outrigger.core.route.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Route selection as Envoy does it, on the shape of istiod's outbound 9080 table for Bookinfo (seed 003). */
class RouteTableTest {
  private static final Function<String, List<String>> NO_HEADERS = name -> List.of();

  private static Route route(String name, PathMatch path, List<HeaderMatch> headers, WeightedCluster... clusters) {
    return new Route(name, new RouteMatch(path, headers), new RouteAction.Forward(List.of(clusters)), Duration.ZERO,
        RetryPolicy.NONE, FaultPolicy.NONE, HeaderMutations.NONE);
  }

  private static List<String> serviceDomains(String service, String vip) {
    String fqdn = service + ".default.svc.cluster.local";
    return List.of(fqdn, fqdn + ":9080", service, service + ":9080", service + ".default.svc", service + ".default.svc:9080",
        service + ".default", service + ".default:9080", vip, vip + ":9080");
  }

  private static final RouteTable TABLE = new RouteTable("9080", List.of(
      new VirtualHost("productpage.default.svc.cluster.local:9080", serviceDomains("productpage", "10.96.0.10"), List.of(
          route("exact-productpage", new PathMatch.Exact("/productpage", true), List.of(),
              new WeightedCluster("outbound|9080||productpage.default.svc.cluster.local", 100)),
          route("api", new PathMatch.Prefix("/api/v1/products", true), List.of(),
              new WeightedCluster("outbound|9080||productpage.default.svc.cluster.local", 100)))),
      new VirtualHost("reviews.default.svc.cluster.local:9080", serviceDomains("reviews", "10.96.0.20"), List.of(
          route("jason", new PathMatch.Prefix("/", true),
              List.of(new HeaderMatch("end-user", new StringMatch.Exact("jason", false), false)),
              new WeightedCluster("outbound|9080|v2|reviews.default.svc.cluster.local", 100)),
          route("split", new PathMatch.Prefix("/", true), List.of(),
              new WeightedCluster("outbound|9080|v1|reviews.default.svc.cluster.local", 5),
              new WeightedCluster("outbound|9080|v2|reviews.default.svc.cluster.local", 5),
              new WeightedCluster("outbound|9080|v3|reviews.default.svc.cluster.local", 90)))),
      new VirtualHost("wildcard-suffix", List.of("*.example.com"), List.of(
          route("suffix", new PathMatch.Prefix("/", true), List.of(), new WeightedCluster("suffix", 1)))),
      new VirtualHost("allow_any", List.of("*"), List.of(
          route("allow_any", new PathMatch.Prefix("/", true), List.of(), new WeightedCluster("PassthroughCluster", 1))))));

  private static String routeName(String authority, String path, Map<String, List<String>> headers) {
    return TABLE.route(authority, path, n -> headers.getOrDefault(n, List.of())).map(Route::name).orElse("none");
  }

  @Test
  void uriMatchesOfSeed003() {
    assertEquals("exact-productpage", routeName("productpage:9080", "/productpage", Map.of()));
    assertEquals("exact-productpage", routeName("productpage:9080", "/productpage?u=normal", Map.of()),
        "an exact path ignores the query string");
    assertEquals("none", routeName("productpage:9080", "/productpage/x", Map.of()));
    assertEquals("api", routeName("productpage.default.svc.cluster.local:9080", "/api/v1/products/1", Map.of()));
    assertEquals("none", routeName("productpage", "/static/x", Map.of()));
  }

  @Test
  void theVirtualHostIsChosenByNameOrVipWithOrWithoutThePort() {
    for (String authority : List.of("reviews", "reviews:9080", "reviews.default.svc.cluster.local", "10.96.0.20:9080",
        "REVIEWS.default")) {
      assertEquals("split", routeName(authority, "/reviews/0", Map.of()), authority);
    }
    assertEquals("allow_any", routeName("unknown.test", "/", Map.of()));
    assertEquals("suffix", routeName("api.example.com", "/", Map.of()));
    assertEquals("allow_any", routeName("example.com", "/", Map.of()), "a suffix wildcard needs something before it");
  }

  @Test
  void headersAndOrderDecide() {
    assertEquals("jason", routeName("reviews:9080", "/reviews/0", Map.of("end-user", List.of("jason"))));
    assertEquals("split", routeName("reviews:9080", "/reviews/0", Map.of("end-user", List.of("Jason"))));
  }

  @Test
  void weightsSplitInProportion() {
    RouteAction.Forward split = (RouteAction.Forward) TABLE.route("reviews", "/", NO_HEADERS).orElseThrow().action();
    assertEquals(100, split.totalWeight());
    assertEquals("outbound|9080|v1|reviews.default.svc.cluster.local", split.pick(0));
    assertEquals("outbound|9080|v1|reviews.default.svc.cluster.local", split.pick(4));
    assertEquals("outbound|9080|v2|reviews.default.svc.cluster.local", split.pick(5));
    assertEquals("outbound|9080|v2|reviews.default.svc.cluster.local", split.pick(9));
    assertEquals("outbound|9080|v3|reviews.default.svc.cluster.local", split.pick(10));
    assertEquals("outbound|9080|v3|reviews.default.svc.cluster.local", split.pick(99));
  }

  @Test
  void regexMatchesTheWholePathWithoutTheQuery() {
    PathMatch regex = new PathMatch.Matching(Regex.compile("/reviews/[0-9]+"));
    assertTrue(regex.matches("/reviews/12?x=1"));
    assertEquals(Optional.empty(), Optional.of(regex).filter(r -> r.matches("/reviews/12/x")));
  }

  @Test
  void aDomainInTwoVirtualHostsIsRefused() {
    VirtualHost a = new VirtualHost("a", List.of("x"), List.of());
    VirtualHost b = new VirtualHost("b", List.of("X"), List.of());
    assertThrows(IllegalArgumentException.class, () -> new RouteTable("t", List.of(a, b)));
  }

  @Test
  void istiodsPortlessDomainsMatchAnAuthorityWithAPortWhenTheTableIgnoresPorts() {
    VirtualHost reviews = new VirtualHost("reviews.default.svc.cluster.local:9080",
        List.of("reviews.default.svc.cluster.local", "reviews", "10.96.0.20", "[fd00::20]"), List.of(
            route("split", new PathMatch.Prefix("/", true), List.of(), new WeightedCluster("reviews", 1))));
    RouteTable ignoring = new RouteTable("9080", List.of(reviews), true);
    assertEquals(Optional.of(reviews), ignoring.virtualHost("reviews:9080"));
    assertEquals(Optional.of(reviews), ignoring.virtualHost("10.96.0.20:9080"));
    assertEquals(Optional.of(reviews), ignoring.virtualHost("[fd00::20]:9080"));
    assertEquals(Optional.of(reviews), ignoring.virtualHost("reviews"));
    assertEquals(Optional.empty(), new RouteTable("9080", List.of(reviews)).virtualHost("reviews:9080"));
  }
}
