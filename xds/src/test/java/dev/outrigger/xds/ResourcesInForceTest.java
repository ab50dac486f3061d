package dev.outrigger.xds;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** State-of-the-world responses: whole sets for listeners and clusters, only what changed for routes and endpoints. */
class ResourcesInForceTest {
  private static final String REVIEWS = "outbound|9080||reviews.default.svc.cluster.local";
  private static final String RATINGS = "outbound|9080||ratings.default.svc.cluster.local";
  private static final String DETAILS = "outbound|9080||details.default.svc.cluster.local";

  private static ClusterLoadAssignment cla(String name, int endpoints) {
    ClusterLoadAssignment.Builder b = ClusterLoadAssignment.newBuilder().setClusterName(name);
    for (int i = 0; i < endpoints; i++) {
      b.addEndpointsBuilder().addLbEndpointsBuilder().getEndpointBuilder().getAddressBuilder().getSocketAddressBuilder()
          .setAddress("10.1.0." + (i + 1)).setPortValue(9080);
    }
    return b.build();
  }

  /**
   * istiod's incremental EDS push for one service carries that service's assignment only; the
   * other services keep their endpoints (were they replaced by the response, every other service
   * of the mesh would lose its endpoints on the first endpoint change anywhere).
   */
  @Test
  void anEndpointResponseWithOneAssignmentKeepsTheOthers() {
    Map<String, Message> before = Map.of(REVIEWS, cla(REVIEWS, 2), RATINGS, cla(RATINGS, 1));
    Map<String, Message> after = ResourcesInForce.after(ResourceType.ENDPOINT, before,
        Map.of(REVIEWS, cla(REVIEWS, 3)), Set.of(REVIEWS, RATINGS));
    assertEquals(Map.of(REVIEWS, cla(REVIEWS, 3), RATINGS, cla(RATINGS, 1)), after);
  }

  /** A name that left the subscription (its cluster was removed) drops its resource, sent or not. */
  @Test
  void anAssignmentNoLongerSubscribedToIsDropped() {
    Map<String, Message> before = Map.of(REVIEWS, cla(REVIEWS, 2), RATINGS, cla(RATINGS, 1));
    Map<String, Message> after = ResourcesInForce.after(ResourceType.ENDPOINT, before,
        Map.of(DETAILS, cla(DETAILS, 1), RATINGS, cla(RATINGS, 1)), Set.of(REVIEWS, DETAILS));
    assertEquals(Map.of(REVIEWS, cla(REVIEWS, 2), DETAILS, cla(DETAILS, 1)), after);
  }

  @Test
  void routeResponsesMergeLikeEndpointResponses() {
    RouteConfiguration r9080 = RouteConfiguration.newBuilder().setName("9080").build();
    RouteConfiguration r80 = RouteConfiguration.newBuilder().setName("80").build();
    RouteConfiguration r80b = r80.toBuilder().setValidateClusters(com.google.protobuf.BoolValue.of(false)).build();
    assertEquals(Map.of("9080", r9080, "80", r80b), ResourcesInForce.after(ResourceType.ROUTE,
        Map.of("9080", r9080, "80", r80), Map.of("80", r80b), Set.of("9080", "80")));
  }

  /** Listeners and clusters: the response is the whole set; what it leaves out is removed. */
  @Test
  void aClusterResponseIsTheWholeSet() {
    Cluster reviews = Cluster.newBuilder().setName(REVIEWS).build();
    Cluster ratings = Cluster.newBuilder().setName(RATINGS).build();
    assertEquals(Map.of(RATINGS, ratings), ResourcesInForce.after(ResourceType.CLUSTER,
        Map.of(REVIEWS, reviews, RATINGS, ratings), Map.of(RATINGS, ratings), Set.of()));
  }

  /** A full response re-sends every resource: the equal ones keep the instances in force (their translations too). */
  @Test
  void anEqualResourceKeepsTheInstanceInForce() {
    ClusterLoadAssignment reviews = cla(REVIEWS, 2);
    Map<String, Message> endpoints = ResourcesInForce.after(ResourceType.ENDPOINT, Map.of(REVIEWS, reviews),
        Map.of(REVIEWS, cla(REVIEWS, 2)), Set.of(REVIEWS));
    org.junit.jupiter.api.Assertions.assertSame(reviews, endpoints.get(REVIEWS));
    Cluster ratings = Cluster.newBuilder().setName(RATINGS).build();
    Map<String, Message> clusters = ResourcesInForce.after(ResourceType.CLUSTER, Map.of(RATINGS, ratings),
        Map.of(RATINGS, Cluster.newBuilder().setName(RATINGS).build()), Set.of());
    org.junit.jupiter.api.Assertions.assertSame(ratings, clusters.get(RATINGS));
  }
}
