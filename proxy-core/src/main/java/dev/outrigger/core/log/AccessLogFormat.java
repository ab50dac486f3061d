package dev.outrigger.core.log;

/** Turns an entry into one line of text. */
@FunctionalInterface
public interface AccessLogFormat {
  String format(AccessLogEntry entry);
}
