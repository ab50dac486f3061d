package dev.outrigger.core.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The balancing policies Istio configures, on fixed hosts and a seeded random source. */
class LoadBalancerTest {
  private static Endpoint host(int last, int weight) {
    return new Endpoint(new InetSocketAddress("10.244.0." + last, 9080), weight, Endpoint.Health.HEALTHY, "", Map.of());
  }

  private static Map<Endpoint, Integer> counts(LoadBalancer lb, List<Endpoint> hosts, int picks) {
    Map<Endpoint, Integer> counts = new HashMap<>();
    for (int i = 0; i < picks; i++) {
      counts.merge(lb.choose(hosts).orElseThrow(), 1, Integer::sum);
    }
    return counts;
  }

  @Test
  void roundRobinRotatesAndHonoursWeightsSmoothly() {
    Endpoint a = host(1, 1);
    Endpoint b = host(2, 1);
    Endpoint c = host(3, 1);
    LoadBalancer rr = LoadBalancer.of(ClusterSpec.LbPolicy.ROUND_ROBIN, e -> 0, n -> 0);
    List<Endpoint> order = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      order.add(rr.choose(List.of(a, b, c)).orElseThrow());
    }
    assertEquals(List.of(a, b, c, a, b, c), order);

    Endpoint heavy = host(4, 3);
    LoadBalancer weighted = LoadBalancer.of(ClusterSpec.LbPolicy.ROUND_ROBIN, e -> 0, n -> 0);
    List<Endpoint> picks = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      picks.add(weighted.choose(List.of(heavy, a)).orElseThrow());
    }
    assertEquals(List.of(heavy, heavy, a, heavy), picks, "3:1, the light host not last in a burst");
  }

  @Test
  void leastRequestPrefersTheLessBusyOfTwo() {
    Endpoint idle = host(1, 1);
    Endpoint busy = host(2, 1);
    Map<Endpoint, Integer> active = Map.of(idle, 0, busy, 10);
    int[] draws = {1, 0};
    int[] next = {0};
    LoadBalancer lr = LoadBalancer.of(ClusterSpec.LbPolicy.LEAST_REQUEST, active::get, n -> draws[next[0]++ % 2]);
    assertEquals(idle, lr.choose(List.of(idle, busy)).orElseThrow());
  }

  @Test
  void randomFollowsTheWeights() {
    Endpoint one = host(1, 1);
    Endpoint nine = host(2, 9);
    Random seeded = new Random(7);
    Map<Endpoint, Integer> counts = counts(LoadBalancer.of(ClusterSpec.LbPolicy.RANDOM, e -> 0, seeded::nextInt),
        List.of(one, nine), 10_000);
    assertTrue(Math.abs(counts.get(nine) - 9_000) < 300, counts.toString());
  }

  @Test
  void noHostsIsEmpty() {
    for (ClusterSpec.LbPolicy p : ClusterSpec.LbPolicy.values()) {
      assertEquals(Optional.empty(), LoadBalancer.of(p, e -> 0, n -> 0).choose(List.of()));
    }
  }
}
