package dev.outrigger.xds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** State-of-the-world responses: whole sets for listeners and clusters, only what changed for routes and endpoints. */
class ResourcesInForceTest {
  private static final String REVIEWS = "outbound|9080||reviews.default.svc.cluster.local";
  private static final String RATINGS = "outbound|9080||ratings.default.svc.cluster.local";
  private static final String DETAILS = "outbound|9080||details.default.svc.cluster.local";

  /** The Anys whose name was read off their bytes, in order (the client's namer, counting). */
  private final List<Any> read = new ArrayList<>();

  private String name(ResourceType type, Any any) throws com.google.protobuf.InvalidProtocolBufferException {
    read.add(any);
    return type.nameOf(any);
  }

  private static List<Any> sent(Map<String, ? extends Message> resources) {
    return resources.values().stream().map(Any::pack).toList();
  }

  /** What is in force once a response carrying these is accepted. */
  private ResourcesInForce accept(ResourceType type, ResourcesInForce before, List<Any> sent, Set<String> subscribed)
      throws RejectedUpdate {
    return before.after(type, before.decode(type, sent, any -> name(type, any)), subscribed);
  }

  /** The old form of the tests: in force before, the response's resources, the subscription; the resources after. */
  private Map<String, Message> after(ResourceType type, Map<String, ? extends Message> previous,
      Map<String, ? extends Message> received, Set<String> subscribed) throws Exception {
    Set<String> all = new java.util.HashSet<>(subscribed);
    all.addAll(previous.keySet());
    ResourcesInForce before = accept(type, ResourcesInForce.NONE, sent(previous), all);
    return messages(type, accept(type, before, sent(received), subscribed));
  }

  /** The resources in force, parsed. */
  private static Map<String, Message> messages(ResourceType type, ResourcesInForce inForce) throws Exception {
    Map<String, Message> out = new java.util.HashMap<>();
    for (Map.Entry<String, Any> e : inForce.resources().entrySet()) {
      out.put(e.getKey(), type.parse(e.getValue()));
    }
    return out;
  }

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
  void anEndpointResponseWithOneAssignmentKeepsTheOthers() throws Exception {
    Map<String, Message> before = Map.of(REVIEWS, cla(REVIEWS, 2), RATINGS, cla(RATINGS, 1));
    Map<String, Message> after = after(ResourceType.ENDPOINT, before,
        Map.of(REVIEWS, cla(REVIEWS, 3)), Set.of(REVIEWS, RATINGS));
    assertEquals(Map.of(REVIEWS, cla(REVIEWS, 3), RATINGS, cla(RATINGS, 1)), after);
  }

  /** A name that left the subscription (its cluster was removed) drops its resource, sent or not. */
  @Test
  void anAssignmentNoLongerSubscribedToIsDropped() throws Exception {
    Map<String, Message> before = Map.of(REVIEWS, cla(REVIEWS, 2), RATINGS, cla(RATINGS, 1));
    Map<String, Message> after = after(ResourceType.ENDPOINT, before,
        Map.of(DETAILS, cla(DETAILS, 1), RATINGS, cla(RATINGS, 1)), Set.of(REVIEWS, DETAILS));
    assertEquals(Map.of(REVIEWS, cla(REVIEWS, 2), DETAILS, cla(DETAILS, 1)), after);
  }

  @Test
  void routeResponsesMergeLikeEndpointResponses() throws Exception {
    RouteConfiguration r9080 = RouteConfiguration.newBuilder().setName("9080").build();
    RouteConfiguration r80 = RouteConfiguration.newBuilder().setName("80").build();
    RouteConfiguration r80b = r80.toBuilder().setValidateClusters(com.google.protobuf.BoolValue.of(false)).build();
    assertEquals(Map.of("9080", r9080, "80", r80b), after(ResourceType.ROUTE,
        Map.of("9080", r9080, "80", r80), Map.of("80", r80b), Set.of("9080", "80")));
  }

  /** Listeners and clusters: the response is the whole set; what it leaves out is removed. */
  @Test
  void aClusterResponseIsTheWholeSet() throws Exception {
    Cluster reviews = Cluster.newBuilder().setName(REVIEWS).build();
    Cluster ratings = Cluster.newBuilder().setName(RATINGS).build();
    assertEquals(Map.of(RATINGS, ratings), after(ResourceType.CLUSTER,
        Map.of(REVIEWS, reviews, RATINGS, ratings), Map.of(RATINGS, ratings), Set.of()));
  }

  /** A resource as istiod's xDS cache re-sends it: the same bytes, in an Any read off the wire anew. */
  private static Any resent(Message resource) throws Exception {
    return Any.parseFrom(Any.pack(resource).toByteArray());
  }

  /** A cluster whose metadata map is written in the given key order: equal messages, different bytes. */
  private static Cluster withMetadata(String name, String... keys) {
    com.google.protobuf.Struct.Builder fields = com.google.protobuf.Struct.newBuilder();
    for (String key : keys) {
      fields.putFields(key, com.google.protobuf.Value.newBuilder().setStringValue(key).build());
    }
    return Cluster.newBuilder().setName(name)
        .setMetadata(io.envoyproxy.envoy.config.core.v3.Metadata.newBuilder().putFilterMetadata("istio", fields.build()))
        .build();
  }

  /** A full response re-sends every resource as the same bytes: they are not read again, and keep the Any in force. */
  @Test
  void aResourceSentAsTheBytesInForceIsNotParsedAndKeepsItsInstance() throws Exception {
    Cluster ratings = Cluster.newBuilder().setName(RATINGS).build();
    ResourcesInForce before = accept(ResourceType.CLUSTER, ResourcesInForce.NONE,
        List.of(Any.pack(withMetadata(REVIEWS, "a", "b")), Any.pack(ratings)), Set.of());
    read.clear();

    ResourcesInForce after = accept(ResourceType.CLUSTER, before,
        List.of(resent(withMetadata(REVIEWS, "a", "b")), resent(ratings)), Set.of());

    assertEquals(List.of(), read);
    assertSame(before.resources().get(REVIEWS), after.resources().get(REVIEWS));
    assertSame(before.resources().get(RATINGS), after.resources().get(RATINGS));
    assertEquals(Set.of(REVIEWS, RATINGS), after.resources().keySet());
  }

  /**
   * Bytes that differ (istiod wrote a map in another order) are read, and the new bytes are the
   * ones remembered: whether the translation changed is the translation memo's business.
   */
  @Test
  void anEqualResourceInOtherBytesIsParsedAndItsBytesRemembered() throws Exception {
    Any ab = Any.pack(withMetadata(REVIEWS, "a", "b"));
    Any ba = Any.pack(withMetadata(REVIEWS, "b", "a"));
    assertNotEquals(ab.getValue(), ba.getValue(), "the test needs two encodings of one message");
    ResourcesInForce before = accept(ResourceType.CLUSTER, ResourcesInForce.NONE, List.of(ab), Set.of());
    read.clear();

    ResourcesInForce after = accept(ResourceType.CLUSTER, before, List.of(ba), Set.of());
    assertEquals(List.of(ba), read);
    assertSame(ba, after.resources().get(REVIEWS));

    read.clear();
    assertSame(ba, accept(ResourceType.CLUSTER, after, List.of(resent(withMetadata(REVIEWS, "b", "a"))), Set.of())
        .resources().get(REVIEWS));
    assertEquals(List.of(), read, "the bytes last received are remembered");
    accept(ResourceType.CLUSTER, after, List.of(ab), Set.of());
    assertEquals(List.of(ab), read, "one entry per resource: the bytes before are forgotten");
  }

  /** A changed resource is read and replaces the one in force; endpoint responses still merge with what they leave out. */
  @Test
  void aChangedResourceIsParsedAndReplacesTheOneInForce() throws Exception {
    ResourcesInForce before = accept(ResourceType.ENDPOINT, ResourcesInForce.NONE,
        List.of(Any.pack(cla(REVIEWS, 2)), Any.pack(cla(RATINGS, 1))), Set.of(REVIEWS, RATINGS));
    read.clear();
    ResourcesInForce after = accept(ResourceType.ENDPOINT, before, List.of(resent(cla(REVIEWS, 3))),
        Set.of(REVIEWS, RATINGS));
    assertEquals(1, read.size());
    assertEquals(cla(REVIEWS, 3), ResourceType.ENDPOINT.parse(after.resources().get(REVIEWS)));
    assertSame(before.resources().get(RATINGS), after.resources().get(RATINGS));

    read.clear();
    ResourcesInForce again = accept(ResourceType.ENDPOINT, after,
        List.of(resent(cla(REVIEWS, 3)), resent(cla(RATINGS, 1))), Set.of(REVIEWS, RATINGS));
    assertEquals(List.of(), read, "a resource left out of a partial response keeps its bytes");
    assertSame(after.resources().get(REVIEWS), again.resources().get(REVIEWS));
  }

  /**
   * A rejected update is never in force: the client keeps the value before it, whose bytes are
   * those of the resources still in force, not those of the rejected update.
   */
  @Test
  void aRejectedUpdateLeavesTheRememberedBytesAsTheyWere() throws Exception {
    Cluster v1 = withMetadata(REVIEWS, "a");
    Cluster v2 = withMetadata(REVIEWS, "a", "b");
    ResourcesInForce inForce = accept(ResourceType.CLUSTER, ResourcesInForce.NONE, List.of(Any.pack(v1)), Set.of());
    Any instance = inForce.resources().get(REVIEWS);
    ResourcesInForce rejected = accept(ResourceType.CLUSTER, inForce, List.of(resent(v2)), Set.of());
    assertEquals(v2, ResourceType.CLUSTER.parse(rejected.resources().get(REVIEWS))); // computed, then refused by the client: not kept
    read.clear();

    assertSame(instance, accept(ResourceType.CLUSTER, inForce, List.of(resent(v1)), Set.of()).resources().get(REVIEWS));
    assertEquals(List.of(), read);
    Any v2Again = resent(v2);
    assertEquals(v2, ResourceType.CLUSTER.parse(accept(ResourceType.CLUSTER, inForce, List.of(v2Again), Set.of())
        .resources().get(REVIEWS)));
    assertEquals(List.of(v2Again), read);
  }

  /** A resource removed (left out of a whole set, or unsubscribed) is forgotten with its bytes: sent again, it is read. */
  @Test
  void aRemovedResourceIsForgottenWithItsBytes() throws Exception {
    Cluster ratings = Cluster.newBuilder().setName(RATINGS).build();
    Cluster reviews = Cluster.newBuilder().setName(REVIEWS).build();
    ResourcesInForce both = accept(ResourceType.CLUSTER, ResourcesInForce.NONE,
        List.of(Any.pack(ratings), Any.pack(reviews)), Set.of());
    ResourcesInForce one = accept(ResourceType.CLUSTER, both, List.of(resent(ratings)), Set.of());
    assertEquals(Set.of(RATINGS), one.resources().keySet());
    read.clear();
    ResourcesInForce back = accept(ResourceType.CLUSTER, one, List.of(resent(ratings), resent(reviews)), Set.of());
    assertEquals(1, read.size());
    assertEquals(REVIEWS, ((Cluster) ResourceType.CLUSTER.parse(read.get(0))).getName());
    assertNotSame(both.resources().get(REVIEWS), back.resources().get(REVIEWS));

    ResourcesInForce endpoints = accept(ResourceType.ENDPOINT, ResourcesInForce.NONE,
        List.of(Any.pack(cla(REVIEWS, 1)), Any.pack(cla(RATINGS, 1))), Set.of(REVIEWS, RATINGS));
    ResourcesInForce unsubscribed = accept(ResourceType.ENDPOINT, endpoints, List.of(), Set.of(RATINGS));
    ResourcesInForce resubscribed = accept(ResourceType.ENDPOINT, unsubscribed, List.of(), Set.of(REVIEWS, RATINGS));
    assertEquals(Set.of(RATINGS), resubscribed.resources().keySet(), "an unsubscribed resource does not come back by itself");
    read.clear();
    accept(ResourceType.ENDPOINT, resubscribed, List.of(resent(cla(REVIEWS, 1))), Set.of(REVIEWS, RATINGS));
    assertEquals(1, read.size());
  }

  /** The same resource twice in one response is still refused, bytes in force or not. */
  @Test
  void aResourceSentTwiceIsRejected() throws Exception {
    Cluster ratings = Cluster.newBuilder().setName(RATINGS).build();
    ResourcesInForce inForce = accept(ResourceType.CLUSTER, ResourcesInForce.NONE, List.of(Any.pack(ratings)), Set.of());
    RejectedUpdate e = assertThrows(RejectedUpdate.class,
        () -> inForce.decode(ResourceType.CLUSTER, List.of(resent(ratings), resent(ratings))));
    assertEquals("duplicate CLUSTER resource name '" + RATINGS + "'", e.getMessage());
  }
}
