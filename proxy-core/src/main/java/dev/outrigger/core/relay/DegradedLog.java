package dev.outrigger.core.relay;

import dev.outrigger.core.log.AccessLog;
import dev.outrigger.core.log.ConnectionRecord;
import dev.outrigger.core.route.Upstream;
import dev.outrigger.core.log.RateLimitedLog;
import java.time.Duration;

/**
 * Log lines for connections that did not go as planned. Traffic decides how often these happen,
 * so they are rate-limited (the counters in /stats stay exact); suppressed lines are counted and
 * reported with the next line that gets through.
 */
public final class DegradedLog {
  private static final RateLimitedLog LOG =
      new RateLimitedLog("outrigger.relay", Duration.ofMillis(100), "degraded-connection"); // ~10 lines a second

  private DegradedLog() {}

  public static void log(String what, ConnectionRecord record, Throwable cause) {
    log(what, record.describe(), cause);
  }

  /** With a detail that is no exception's message (e.g. Envoy's TLS failure reason). */
  public static void logDetail(String what, ConnectionRecord record, String detail) {
    LOG.warn("{}: {}: {}", what, record.describe(), detail);
  }

  /** For an HTTP request's upstream, which the connection's record does not name. */
  public static void log(String what, String connection, Upstream upstream, Throwable cause) {
    log(what, connection + " " + AccessLog.address(upstream.address()), cause);
  }

  private static void log(String what, String description, Throwable cause) {
    LOG.warn("{}: {}{}", what, description, cause == null ? "" : ": " + describe(cause));
  }

  /** The cause's message, or its type when it has none (a timeout's exception may carry no text). */
  private static String describe(Throwable cause) {
    return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
  }
}
