package dev.outrigger.iptables.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/**
 * Sets the root log level from an Istio level. In its own class so logback is loaded only when a
 * level is set; outrigger.jar always has logback, another slf4j binding is left alone.
 */
public final class LogbackLevel {
  private LogbackLevel() {}

  /** @return whether the level was applied (false when slf4j is not bound to logback) */
  public static boolean apply(IstioLevel level) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return false;
    }
    context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(of(level));
    return true;
  }

  static Level of(IstioLevel level) {
    return switch (level) {
      case DEBUG -> Level.DEBUG;
      case INFO -> Level.INFO;
      case WARN -> Level.WARN;
      // Logback has no fatal; nothing here logs at fatal, so error is the nearest that keeps errors.
      case ERROR, FATAL -> Level.ERROR;
      case NONE -> Level.OFF;
    };
  }
}
