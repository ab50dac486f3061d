package dev.outrigger.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.core.cluster.CircuitBreakers;
import dev.outrigger.core.cluster.ClusterSpec;
import dev.outrigger.core.cluster.Endpoint;
import dev.outrigger.core.cluster.EndpointSet;
import dev.outrigger.core.config.MeshConfig;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Envoy's /clusters text, line for line, from the mesh configuration. */
class ClustersPageTest {
  private static final String REVIEWS = "outbound|9080|v2|reviews.default.svc.cluster.local";

  private static MeshConfig mesh() {
    ClusterSpec reviews = new ClusterSpec(REVIEWS, ClusterSpec.Discovery.EDS, ClusterSpec.LbPolicy.ROUND_ROBIN,
        Duration.ofSeconds(10), new CircuitBreakers(4294967295L, 4294967295L, 4294967295L, 4294967295L),
        Optional.empty(), List.of(), Optional.empty(), REVIEWS);
    EndpointSet hosts = new EndpointSet(REVIEWS, List.of(
        new Endpoint(new InetSocketAddress("10.1.2.3", 9080), 1, Endpoint.Health.HEALTHY, "us-east1/us-east1-b/", Map.of()),
        new Endpoint(new InetSocketAddress("fd00::7", 9080), 3, Endpoint.Health.DRAINING, "", Map.of()),
        new Endpoint(new InetSocketAddress("10.1.2.5", 9080), 1, Endpoint.Health.DEGRADED, "", Map.of())));
    return MeshConfig.EMPTY.withClusters(Map.of(REVIEWS, reviews)).withEndpoints(Map.of(REVIEWS, hosts));
  }

  @Test
  void eachClusterAndHostInEnvoysLayout() {
    String text = ClustersPage.text(mesh(), HostStats.NONE);
    String host = REVIEWS + "::10.1.2.3:9080::";
    assertTrue(text.startsWith(REVIEWS + "::observability_name::" + REVIEWS + "\n"
        + REVIEWS + "::default_priority::max_connections::4294967295\n"
        + REVIEWS + "::default_priority::max_pending_requests::4294967295\n"
        + REVIEWS + "::default_priority::max_requests::4294967295\n"
        + REVIEWS + "::default_priority::max_retries::4294967295\n"
        + REVIEWS + "::high_priority::max_connections::1024\n"
        + REVIEWS + "::high_priority::max_pending_requests::1024\n"
        + REVIEWS + "::high_priority::max_requests::1024\n"
        + REVIEWS + "::high_priority::max_retries::3\n"
        + REVIEWS + "::added_via_api::true\n"
        + host + "hostname::\n"
        + host + "health_flags::healthy\n"
        + host + "weight::1\n"
        + host + "region::us-east1\n"
        + host + "zone::us-east1-b\n"
        + host + "sub_zone::\n"
        + host + "canary::false\n"
        + host + "priority::0\n"
        + host + "success_rate::-1\n"
        + host + "local_origin_success_rate::-1\n"), text);
    assertTrue(text.contains(REVIEWS + "::[fd00::7]:9080::health_flags::/failed_eds_health\n"), text);
    assertTrue(text.contains(REVIEWS + "::[fd00::7]:9080::weight::3\n"), text);
    assertTrue(text.contains(REVIEWS + "::10.1.2.5:9080::health_flags::/degraded_eds_health\n"), text);
  }

  @Test
  void hostStatsComeFirstSortedByName() {
    HostStats stats = (cluster, endpoint) -> Map.of("rq_total", 7L, "cx_active", 2L);
    String text = ClustersPage.text(mesh(), stats);
    String host = REVIEWS + "::10.1.2.3:9080::";
    assertTrue(text.contains(REVIEWS + "::added_via_api::true\n" + host + "cx_active::2\n" + host + "rq_total::7\n"
        + host + "hostname::\n"), text);
  }

  @Test
  void passthroughHasNoClusters() {
    assertEquals("", ClustersPage.text(MeshConfig.EMPTY, HostStats.NONE));
    assertEquals(Map.of("cluster_statuses", List.of()), ClustersPage.json(MeshConfig.EMPTY, HostStats.NONE));
  }
}
