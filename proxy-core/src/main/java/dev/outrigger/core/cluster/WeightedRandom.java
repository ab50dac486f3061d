package dev.outrigger.core.cluster;

import java.util.List;
import java.util.Optional;

/** Envoy's random policy: a host picked at random, in proportion to its weight. */
final class WeightedRandom implements LoadBalancer {
  private final RandomSource random;

  WeightedRandom(RandomSource random) {
    this.random = random;
  }

  @Override
  public Optional<Endpoint> choose(List<Endpoint> hosts) {
    if (hosts.isEmpty()) {
      return Optional.empty();
    }
    int total = hosts.stream().mapToInt(Endpoint::weight).sum();
    int draw = random.nextInt(total);
    for (Endpoint h : hosts) {
      draw -= h.weight();
      if (draw < 0) {
        return Optional.of(h);
      }
    }
    return Optional.of(hosts.get(hosts.size() - 1));
  }
}
