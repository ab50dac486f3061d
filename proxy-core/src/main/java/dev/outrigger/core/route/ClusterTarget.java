package dev.outrigger.core.route;

import java.util.Optional;

/**
 * The cluster a decision sends traffic to, as the data path uses it after the first pick: another
 * endpoint for a retry, the outcome of each attempt for outlier detection, and the cluster's
 * request limit (circuit breaker).
 */
public interface ClusterTarget {
  /** A target of one fixed endpoint with no health tracking: passthrough and inbound traffic. */
  static ClusterTarget fixed(Upstream upstream) {
    return new ClusterTarget() {
      @Override
      public Optional<Upstream> pick() {
        return Optional.of(upstream);
      }

      @Override
      public void attemptStarted(Upstream host) {}

      @Override
      public void attemptEnded(Upstream host, int status) {}

      @Override
      public boolean tryStartRequest() {
        return true;
      }

      @Override
      public void requestDone() {}
    };
  }

  /** An endpoint for another attempt (Envoy picks anew for each retry); empty when none is healthy. */
  Optional<Upstream> pick();

  /**
   * Like {@link #pick()}, trying up to {@code attempts} picks for a host not in {@code avoid}
   * (Envoy's previous_hosts predicate); the last pick when every one was avoided.
   */
  default Optional<Upstream> pick(java.util.Set<Upstream> avoid, int attempts) {
    Optional<Upstream> chosen = pick();
    for (int i = 1; i < attempts && chosen.isPresent() && avoid.contains(chosen.get()); i++) {
      chosen = pick();
    }
    return chosen;
  }

  /** One attempt (a connection, or a request) is on its way to {@code host}. */
  void attemptStarted(Upstream host);

  /**
   * How it ended: an HTTP status, 200 for a TCP connection that was made, or 0 when the connection
   * failed or was reset before an answer (outlier detection counts it as a gateway failure).
   */
  void attemptEnded(Upstream host, int status);

  /** Takes one request against the cluster's max_requests; false (503 UO) when at the limit. */
  boolean tryStartRequest();

  /** Gives back what {@link #tryStartRequest()} took. */
  void requestDone();

  /**
   * Takes one retry against the cluster's max_retries (Envoy's retries resource); false (the
   * retry is not made, upstream_rq_retry_overflow) when at the limit. Unlimited by default.
   */
  default boolean tryStartRetry() {
    return true;
  }

  /** Gives back what {@link #tryStartRetry()} took. */
  default void retryDone() {}

  /**
   * An attempt ended without an outcome that says anything of the host (the client went away, the
   * exchange was answered otherwise): counted as no longer active, not judged by outlier detection.
   */
  default void attemptCancelled(Upstream host) {}
}
