package dev.outrigger.core.relay;

import dev.outrigger.core.log.AccessLog;
import dev.outrigger.core.log.ConnectionRecord;
import dev.outrigger.core.route.Upstream;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Log lines for connections that did not go as planned. Traffic decides how often these happen,
 * so they are rate-limited (the counters in /stats stay exact); suppressed lines are counted and
 * reported with the next line that gets through.
 */
public final class DegradedLog {
  private static final Logger log = LoggerFactory.getLogger("outrigger.relay");
  private static final long INTERVAL_NANOS = 100_000_000L; // at most ~10 lines a second
  private static final AtomicLong nextAllowed = new AtomicLong();
  private static final AtomicLong suppressed = new AtomicLong();

  private DegradedLog() {}

  public static void log(String what, ConnectionRecord record, Throwable cause) {
    log(what, record.describe(), cause);
  }

  /** For an HTTP request's upstream, which the connection's record does not name. */
  public static void log(String what, String connection, Upstream upstream, Throwable cause) {
    log(what, connection + " " + AccessLog.address(upstream.address()), cause);
  }

  private static void log(String what, String description, Throwable cause) {
    if (!log.isWarnEnabled()) {
      return;
    }
    long now = System.nanoTime();
    long allowed = nextAllowed.get();
    if (now - allowed < 0 || !nextAllowed.compareAndSet(allowed, now + INTERVAL_NANOS)) {
      suppressed.incrementAndGet();
      return;
    }
    long skipped = suppressed.getAndSet(0);
    log.warn(
        "{}: {}{}{}",
        what,
        description,
        cause == null ? "" : ": " + cause.getMessage(),
        skipped == 0 ? "" : " (" + skipped + " more degraded-connection lines suppressed)");
  }
}
