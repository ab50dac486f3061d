package dev.outrigger.core.cluster;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One cluster's open connections, pending requests, active requests and active retries against
 * its limits ({@link CircuitBreakers}). A refused acquire is Envoy's overflow: 503 with flag UO.
 */
public final class CircuitBreaker {
  /** What is counted against a limit. */
  public enum Resource { CONNECTIONS, PENDING_REQUESTS, REQUESTS, RETRIES }

  private final CircuitBreakers limits;
  private final AtomicLong[] inUse = {new AtomicLong(), new AtomicLong(), new AtomicLong(), new AtomicLong()};

  public CircuitBreaker(CircuitBreakers limits) {
    this.limits = limits;
  }

  /** Takes one unit of {@code resource}; false (and nothing taken) when at the limit. */
  public boolean tryAcquire(Resource resource) {
    AtomicLong counter = inUse[resource.ordinal()];
    long limit = limit(resource);
    while (true) {
      long now = counter.get();
      if (now >= limit) {
        return false;
      }
      if (counter.compareAndSet(now, now + 1)) {
        return true;
      }
    }
  }

  public void release(Resource resource) {
    inUse[resource.ordinal()].decrementAndGet();
  }

  public long inUse(Resource resource) {
    return inUse[resource.ordinal()].get();
  }

  private long limit(Resource resource) {
    return switch (resource) {
      case CONNECTIONS -> limits.maxConnections();
      case PENDING_REQUESTS -> limits.maxPendingRequests();
      case REQUESTS -> limits.maxRequests();
      case RETRIES -> limits.maxRetries();
    };
  }
}
