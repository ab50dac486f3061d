package dev.outrigger.core.overload;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Overload log lines: traffic decides how often they happen, so at most one a second gets
 * through (the counters in /stats stay exact); the next line says how many were suppressed.
 */
final class RateLimitedLog {
  private static final Logger log = LoggerFactory.getLogger("outrigger.overload");
  private static final long INTERVAL_NANOS = 1_000_000_000L;
  private final AtomicLong nextAllowed = new AtomicLong(System.nanoTime());
  private final AtomicLong suppressed = new AtomicLong();

  void warn(String format, Object... args) {
    long now = System.nanoTime();
    long allowed = nextAllowed.get();
    if (now - allowed < 0 || !nextAllowed.compareAndSet(allowed, now + INTERVAL_NANOS)) {
      suppressed.incrementAndGet();
      return;
    }
    long skipped = suppressed.getAndSet(0);
    log.warn(skipped == 0 ? format : format + " (" + skipped + " more overload lines suppressed)", args);
  }
}
