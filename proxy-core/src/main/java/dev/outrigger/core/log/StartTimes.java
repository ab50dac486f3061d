package dev.outrigger.core.log;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Envoy's START_TIME text, {@code 2022-06-04T13:36:03.773Z}, written once per line on a hot path:
 * the date-and-seconds part is formatted once per second per thread and reused, since
 * DateTimeFormatter's general path showed up in the allocation profile.
 */
final class StartTimes {
  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);
  private static final ThreadLocal<Cache> CACHE = ThreadLocal.withInitial(Cache::new);

  private static final class Cache {
    long second = Long.MIN_VALUE;
    String prefix;
  }

  private StartTimes() {}

  static StringBuilder appendTo(StringBuilder b, Instant time) {
    Cache cache = CACHE.get();
    long second = time.getEpochSecond();
    if (second != cache.second) {
      cache.second = second;
      cache.prefix = SECONDS.format(time);
    }
    int millis = time.getNano() / 1_000_000;
    return b.append(cache.prefix).append('.')
        .append((char) ('0' + millis / 100))
        .append((char) ('0' + millis / 10 % 10))
        .append((char) ('0' + millis % 10))
        .append('Z');
  }

  static String format(Instant time) {
    return appendTo(new StringBuilder(24), time).toString();
  }
}
