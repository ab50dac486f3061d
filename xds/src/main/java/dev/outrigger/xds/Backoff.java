package dev.outrigger.xds;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter between reconnects, as Envoy's gRPC streams back off
 * (base 500 ms, at most 30 s by default): many proxies losing istiod at once do not return at once.
 */
final class Backoff {
  private final long baseMillis;
  private final long maxMillis;
  private int attempts;

  Backoff(Duration base, Duration max) {
    this.baseMillis = base.toMillis();
    this.maxMillis = max.toMillis();
  }

  /** The wait before the next attempt. */
  long nextMillis() {
    long ceiling = Math.min(maxMillis, baseMillis << Math.min(attempts++, 16));
    return ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1);
  }

  /** A stream got a response: the next failure starts from the base again. */
  void reset() {
    attempts = 0;
  }
}
