package dev.outrigger.core.cluster;

/**
 * A cluster's limits (Envoy's default-priority thresholds). Past one, a request is not sent:
 * Envoy answers 503 with flag UO (overflow).
 */
public record CircuitBreakers(long maxConnections, long maxPendingRequests, long maxRequests, long maxRetries) {
  /** Envoy's defaults when a cluster names none. */
  public static final CircuitBreakers ENVOY_DEFAULTS = new CircuitBreakers(1024, 1024, 1024, 3);
}
