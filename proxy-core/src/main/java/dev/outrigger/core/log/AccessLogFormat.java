package dev.outrigger.core.log;

/** Turns an entry into one line of text. */
@FunctionalInterface
public interface AccessLogFormat {
  /** Appends the line (without a line break) to {@code line}, which the caller reuses. */
  void appendTo(StringBuilder line, AccessLogEntry entry);

  default String format(AccessLogEntry entry) {
    StringBuilder line = new StringBuilder(256);
    appendTo(line, entry);
    return line.toString();
  }
}
