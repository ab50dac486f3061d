package dev.outrigger.core.cluster;

import java.util.List;
import java.util.Optional;
import java.util.function.ToIntFunction;

/**
 * Envoy's least request with equal weights: the power of two choices, two random hosts and the one
 * with fewer active requests. With unequal weights, a host's active count is divided by its weight.
 */
final class LeastRequest implements LoadBalancer {
  private final ToIntFunction<Endpoint> activeRequests;
  private final RandomSource random;

  LeastRequest(ToIntFunction<Endpoint> activeRequests, RandomSource random) {
    this.activeRequests = activeRequests;
    this.random = random;
  }

  @Override
  public Optional<Endpoint> choose(List<Endpoint> hosts) {
    if (hosts.isEmpty()) {
      return Optional.empty();
    }
    Endpoint a = hosts.get(random.nextInt(hosts.size()));
    Endpoint b = hosts.get(random.nextInt(hosts.size()));
    double loadA = (activeRequests.applyAsInt(a) + 1.0) / a.weight();
    double loadB = (activeRequests.applyAsInt(b) + 1.0) / b.weight();
    return Optional.of(loadB < loadA ? b : a);
  }
}
