package dev.outrigger.agent;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations written as Istio writes them: {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h}. */
final class Durations {
  private static final Pattern FORM = Pattern.compile("(\\d+)(ms|s|m|h)");

  private Durations() {}

  static Duration parse(String raw) {
    Matcher m = FORM.matcher(raw);
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + raw + "' (expected: a duration such as 500ms, 10s, 5m or 1h)");
    }
    long n = Long.parseLong(m.group(1));
    switch (m.group(2)) {
      case "ms":
        return Duration.ofMillis(n);
      case "s":
        return Duration.ofSeconds(n);
      case "m":
        return Duration.ofMinutes(n);
      default:
        return Duration.ofHours(n);
    }
  }

  /** The inverse of {@link #parse}, choosing the largest exact unit. */
  static String format(Duration d) {
    long ms = d.toMillis();
    if (ms % 3_600_000 == 0 && ms > 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0 && ms > 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }
}
