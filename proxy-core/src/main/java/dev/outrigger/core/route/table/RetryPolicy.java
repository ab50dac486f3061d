package dev.outrigger.core.route.table;

import java.time.Duration;
import java.util.Set;

/**
 * When a request is tried again (Envoy's RetryPolicy as Istio writes it).
 *
 * @param retryOn the conditions: connect-failure, refused-stream, unavailable, cancelled,
 *     retriable-status-codes, 5xx, gateway-error, reset, ...
 * @param numRetries retries after the first attempt
 * @param perTryTimeout the limit of each attempt, zero for none
 * @param retriableStatusCodes the codes retriable-status-codes means
 * @param avoidPreviousHosts a retry picks another host than those tried, if it can (Envoy's
 *     previous_hosts retry predicate, which istiod sets on every retry policy)
 * @param hostSelectionAttempts how many picks a retry makes to find such a host
 */
public record RetryPolicy(Set<String> retryOn, int numRetries, Duration perTryTimeout, Set<Integer> retriableStatusCodes,
    boolean avoidPreviousHosts, int hostSelectionAttempts) {
  public static final RetryPolicy NONE = new RetryPolicy(Set.of(), 0, Duration.ZERO, Set.of());

  /** A policy with no host predicate: a retry may go to any host, as Envoy's default. */
  public RetryPolicy(Set<String> retryOn, int numRetries, Duration perTryTimeout, Set<Integer> retriableStatusCodes) {
    this(retryOn, numRetries, perTryTimeout, retriableStatusCodes, false, 1);
  }

  public RetryPolicy {
    retryOn = Set.copyOf(retryOn);
    retriableStatusCodes = Set.copyOf(retriableStatusCodes);
    if (hostSelectionAttempts < 1) {
      hostSelectionAttempts = 1;
    }
    if (numRetries < 0) {
      throw new IllegalArgumentException("numRetries: " + numRetries + " (expected: >= 0)");
    }
  }
}
