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
 */
public record RetryPolicy(Set<String> retryOn, int numRetries, Duration perTryTimeout, Set<Integer> retriableStatusCodes) {
  public static final RetryPolicy NONE = new RetryPolicy(Set.of(), 0, Duration.ZERO, Set.of());

  public RetryPolicy {
    retryOn = Set.copyOf(retryOn);
    retriableStatusCodes = Set.copyOf(retriableStatusCodes);
    if (numRetries < 0) {
      throw new IllegalArgumentException("numRetries: " + numRetries + " (expected: >= 0)");
    }
  }
}
