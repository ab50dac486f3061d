package dev.outrigger.agent.logging;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * One application-log line, as the pattern
 * {@code %d{yyyy-MM-dd'T'HH:mm:ss.SSS'Z',UTC} %-5level %logger{0}: %msg%n} writes it, followed by
 * the stack trace of an exception if any. Written out by hand: compiling the pattern loads about
 * 90 classes and took about 15 ms of start-up.
 */
final class ApplicationLogLayout extends LayoutBase<ILoggingEvent> {
  // The same stack-trace text a PatternLayout appends to a pattern without an exception converter.
  private final ThrowableProxyConverter stackTrace = new ThrowableProxyConverter();

  @Override
  public void start() {
    stackTrace.setContext(getContext());
    stackTrace.start();
    super.start();
  }

  @Override
  public String doLayout(ILoggingEvent event) {
    StringBuilder line = new StringBuilder(128);
    appendUtc(line, event.getTimeStamp());
    String level = event.getLevel().toString();
    line.append(' ').append(level);
    for (int pad = level.length(); pad < 5; pad++) {
      line.append(' ');
    }
    line.append(' ').append(simpleName(event.getLoggerName())).append(": ")
        .append(event.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR)
        .append(stackTrace.convert(event));
    return line.toString();
  }

  /** yyyy-MM-dd'T'HH:mm:ss.SSS'Z' in UTC. */
  static void appendUtc(StringBuilder out, long epochMillis) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(
        Math.floorDiv(epochMillis, 1000), (int) Math.floorMod(epochMillis, 1000) * 1_000_000, ZoneOffset.UTC);
    digits(out, t.getYear(), 4).append('-');
    digits(out, t.getMonthValue(), 2).append('-');
    digits(out, t.getDayOfMonth(), 2).append('T');
    digits(out, t.getHour(), 2).append(':');
    digits(out, t.getMinute(), 2).append(':');
    digits(out, t.getSecond(), 2).append('.');
    digits(out, t.getNano() / 1_000_000, 3).append('Z');
  }

  private static StringBuilder digits(StringBuilder out, int value, int width) {
    String s = Integer.toString(value);
    for (int pad = s.length(); pad < width; pad++) {
      out.append('0');
    }
    return out.append(s);
  }

  /** What %logger{0} shows: the part after the last dot. */
  private static String simpleName(String loggerName) {
    return loggerName.substring(loggerName.lastIndexOf('.') + 1);
  }
}
