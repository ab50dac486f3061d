package dev.outrigger.core.http;

import dev.outrigger.core.route.ClusterTarget;

/**
 * One request's place under its cluster's max_requests circuit breaker: taken once before the
 * first attempt, given back exactly once when the exchange ends, however it ends.
 */
final class ClusterRequest {
  private final ClusterTarget target;
  private boolean held;

  ClusterRequest(ClusterTarget target) {
    this.target = target;
  }

  /** @return false when the cluster is at its limit (nothing is then held) */
  boolean start() {
    held = target.tryStartRequest();
    return held;
  }

  void end() {
    if (held) {
      held = false;
      target.requestDone();
    }
  }
}
