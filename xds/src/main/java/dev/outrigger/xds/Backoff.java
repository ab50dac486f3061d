package dev.outrigger.xds;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter between reconnects, as Envoy's gRPC streams back off
 * (base 500 ms, at most 30 s by default): many proxies losing istiod at once do not return at once.
 */
public final class Backoff {
  private final long baseMillis;
  private final long maxMillis;
  private int attempts;

  public Backoff(Duration base, Duration max) {
    this.baseMillis = base.toMillis();
    this.maxMillis = max.toMillis();
  }

  /** The wait before the next attempt. */
  public long nextMillis() {
    long ceiling = Math.min(maxMillis, baseMillis << Math.min(attempts++, 16));
    return ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1);
  }

  /** A call succeeded (a stream got a response, a certificate was issued): the next failure starts from the base again. */
  public void reset() {
    attempts = 0;
  }
}
