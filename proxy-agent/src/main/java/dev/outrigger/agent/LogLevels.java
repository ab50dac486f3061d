package dev.outrigger.agent;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import dev.outrigger.agent.http.Reply;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.LoggerFactory;

/**
 * Envoy's admin {@code /logging}: GET lists the loggers that have a level; POST {@code ?level=debug}
 * sets every one (the access log excepted, which has its own switch) and POST
 * {@code ?dev.outrigger.core.http=trace} one logger and those below it. Envoy's level names, with
 * warning and critical meaning WARN and ERROR.
 */
final class LogLevels {
  static final String ACCEPTED = "trace, debug, info, warning, error, critical or off";

  private LogLevels() {}

  static Reply handle(HttpMethod method, Map<String, List<String>> query) {
    if (query.isEmpty()) {
      return Reply.ok(list());
    }
    if (!HttpMethod.POST.equals(method)) {
      return Reply.methodNotAllowed("POST");
    }
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    for (Map.Entry<String, List<String>> change : query.entrySet()) {
      String raw = change.getValue().isEmpty() ? "" : change.getValue().get(change.getValue().size() - 1);
      Level level = level(raw);
      if (level == null) {
        return Reply.text(HttpResponseStatus.BAD_REQUEST,
            change.getKey() + "='" + raw + "' (expected: " + ACCEPTED + ")\n");
      }
      if (change.getKey().equals("level")) {
        for (Logger logger : context.getLoggerList()) {
          if (logger.getLevel() != null) {
            logger.setLevel(level);
          }
        }
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(level);
      } else {
        context.getLogger(change.getKey()).setLevel(level);
      }
    }
    return Reply.ok(list());
  }

  /** "active loggers:" and one "  name: level" line per logger with a level of its own. */
  static String list() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Map<String, String> levels = new TreeMap<>();
    for (Logger logger : context.getLoggerList()) {
      if (logger.getLevel() != null) {
        levels.put(logger.getName(), envoyName(logger.getLevel()));
      }
    }
    StringBuilder out = new StringBuilder("active loggers:\n");
    levels.forEach((name, level) -> out.append("  ").append(name).append(": ").append(level).append('\n'));
    return out.toString();
  }

  static Level level(String name) {
    switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "trace": return Level.TRACE;
      case "debug": return Level.DEBUG;
      case "info": return Level.INFO;
      case "warning": case "warn": return Level.WARN;
      case "error": case "critical": return Level.ERROR;
      case "off": return Level.OFF;
      default: return null;
    }
  }

  private static String envoyName(Level level) {
    return level.equals(Level.WARN) ? "warning" : level.toString().toLowerCase(Locale.ROOT);
  }
}
