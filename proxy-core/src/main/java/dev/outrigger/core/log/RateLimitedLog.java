package dev.outrigger.core.log;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warnings whose frequency traffic decides: at most one per interval gets through (the counters
 * in /stats stay exact), and the next one that does says how many were suppressed meanwhile.
 */
public final class RateLimitedLog {
  private final Logger log;
  private final long intervalNanos;
  private final String suppressedNoun;
  private final AtomicLong nextAllowed = new AtomicLong(System.nanoTime());
  private final AtomicLong suppressed = new AtomicLong();

  /** @param suppressedNoun names the lines in "(N more ... lines suppressed)" */
  public RateLimitedLog(String loggerName, Duration interval, String suppressedNoun) {
    this.log = LoggerFactory.getLogger(loggerName);
    this.intervalNanos = interval.toNanos();
    this.suppressedNoun = suppressedNoun;
  }

  /** An SLF4J warning, or nothing if one went out less than an interval ago. */
  public void warn(String format, Object... args) {
    if (!log.isWarnEnabled()) {
      return;
    }
    long now = System.nanoTime();
    long allowed = nextAllowed.get();
    if (now - allowed < 0 || !nextAllowed.compareAndSet(allowed, now + intervalNanos)) {
      suppressed.incrementAndGet();
      return;
    }
    long skipped = suppressed.getAndSet(0);
    log.warn(skipped == 0 ? format : format + " (" + skipped + " more " + suppressedNoun + " lines suppressed)", args);
  }
}
