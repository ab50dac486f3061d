package dev.outrigger.xds.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.core.route.table.FaultPolicy;
import dev.outrigger.core.route.table.HeaderMutations;
import dev.outrigger.core.route.table.Route;
import dev.outrigger.core.route.table.RouteAction;
import dev.outrigger.core.route.table.RouteTable;
import dev.outrigger.xds.RejectedUpdate;
import io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** istiod's outbound route table for Bookinfo (seed 003), in Envoy's JSON form, through the translator. */
class RouteTranslatorTest {
  private static RouteTable table() throws Exception {
    return RouteTranslator.translate(TestResources.load("route-9080.json", RouteConfiguration.newBuilder()).build());
  }

  private static Route route(RouteTable t, String authority, String path, Map<String, List<String>> headers) {
    return t.route(authority, path, n -> headers.getOrDefault(n, List.of())).orElseThrow();
  }

  @Test
  void matchesAndSplitsAsTheVirtualServicesSay() throws Exception {
    RouteTable t = table();
    assertEquals("9080", t.name());
    Route productpage = route(t, "productpage:9080", "/productpage", Map.of());
    assertEquals("productpage-exact", productpage.name());
    assertEquals(Duration.ZERO, productpage.timeout());
    assertEquals(Set.of("connect-failure", "refused-stream", "unavailable", "cancelled", "retriable-status-codes"),
        productpage.retry().retryOn());
    assertEquals(2, productpage.retry().numRetries());
    assertEquals(Set.of(503), productpage.retry().retriableStatusCodes());
    assertTrue(productpage.retry().avoidPreviousHosts(), "istiod's previous_hosts predicate");
    assertEquals(5, productpage.retry().hostSelectionAttempts());
    assertEquals("api", route(t, "10.96.0.10:9080", "/api/v1/products/0", Map.of()).name());

    Route split = route(t, "reviews:9080", "/reviews/0", Map.of());
    assertEquals(Duration.ofMillis(500), split.timeout());
    RouteAction.Forward forward = (RouteAction.Forward) split.action();
    assertEquals(100, forward.totalWeight());
    assertEquals("outbound|9080|v3|reviews.default.svc.cluster.local", forward.pick(10));
    assertEquals(List.of(new HeaderMutations.Header("x-canary", "1", false)), split.headers().requestAdd());
    assertEquals("jason", route(t, "reviews", "/", Map.of("end-user", List.of("jason"))).name());
    assertEquals("allow_any", route(t, "httpbin.org", "/get", Map.of()).name());
  }

  @Test
  void faultsArePercentagesOfRequests() throws Exception {
    FaultPolicy fault = route(table(), "ratings", "/ratings/0", Map.of()).fault();
    assertEquals(Duration.ofSeconds(7), fault.delay());
    assertEquals(0.01, fault.delayPercent(), 1e-9);
    assertEquals(500, fault.abortStatus());
    assertEquals(100, fault.abortPercent(), 1e-9);
  }

  @Test
  void aMatchItCannotHonourRejectsTheTableWithTheRouteNamed() throws Exception {
    RouteConfiguration.Builder config = TestResources.load("route-9080.json", RouteConfiguration.newBuilder());
    config.getVirtualHostsBuilder(1).getRoutesBuilder(1).getMatchBuilder()
        .addQueryParameters(QueryParameterMatcher.newBuilder().setName("canary"));
    RejectedUpdate e = assertThrows(RejectedUpdate.class, () -> RouteTranslator.translate(config.build()));
    assertEquals("route table 9080, virtual host reviews.default.svc.cluster.local:9080, route 'split': "
        + "query parameter matches are not supported", e.getMessage());
  }

  @Test
  void aDomainInTwoVirtualHostsRejectsTheTable() throws Exception {
    RouteConfiguration.Builder config = TestResources.load("route-9080.json", RouteConfiguration.newBuilder());
    config.getVirtualHostsBuilder(2).addDomains("reviews:9080");
    RejectedUpdate e = assertThrows(RejectedUpdate.class, () -> RouteTranslator.translate(config.build()));
    assertTrue(e.getMessage().contains("'reviews:9080' in two virtual hosts"), e.getMessage());
  }

  @Test
  void aRouteWithoutTimeoutGetsEnvoysDefault() throws Exception {
    RouteConfiguration.Builder config = TestResources.load("route-9080.json", RouteConfiguration.newBuilder());
    config.getVirtualHostsBuilder(3).getRoutesBuilder(0).getRouteBuilder().clearTimeout();
    assertEquals(Duration.ofSeconds(15), route(RouteTranslator.translate(config.build()), "x", "/", Map.of()).timeout());
  }
}
