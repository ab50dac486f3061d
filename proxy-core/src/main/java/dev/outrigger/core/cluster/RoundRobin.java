package dev.outrigger.core.cluster;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Smooth weighted round robin (each pick adds every host's weight to its credit and takes the host
 * with the most, which then pays the total): hosts get their share in an interleaved order, as
 * Envoy's weighted round robin spreads them, and with equal weights it is plain rotation.
 */
final class RoundRobin implements LoadBalancer {
  private final Map<Endpoint, Long> credit = new HashMap<>();

  @Override
  public Optional<Endpoint> choose(List<Endpoint> hosts) {
    if (hosts.isEmpty()) {
      return Optional.empty();
    }
    credit.keySet().retainAll(hosts);
    long total = 0;
    Endpoint best = null;
    long bestCredit = Long.MIN_VALUE;
    for (Endpoint h : hosts) {
      long c = credit.getOrDefault(h, 0L) + h.weight();
      credit.put(h, c);
      total += h.weight();
      if (c > bestCredit) {
        bestCredit = c;
        best = h;
      }
    }
    credit.put(best, bestCredit - total);
    return Optional.of(best);
  }
}
