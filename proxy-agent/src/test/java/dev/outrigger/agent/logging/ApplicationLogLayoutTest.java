package dev.outrigger.agent.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.Layout;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The application log's line: the text logback.xml's pattern wrote, byte for byte. */
class ApplicationLogLayoutTest {
  static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSS'Z',UTC} %-5level %logger{0}: %msg%n";

  private final LoggerContext context = new LoggerContext();
  private final Layout<ILoggingEvent> layout = started(new ApplicationLogLayout());
  private final Layout<ILoggingEvent> pattern = patternLayout(PATTERN);

  @Test
  void writesTheLineOfThePattern() {
    assertEquals("2023-11-14T22:13:20.005Z WARN  Agent: slow start: 3 ms" + CoreConstants.LINE_SEPARATOR,
        layout.doLayout(event(1_700_000_000_005L, Level.WARN, "dev.outrigger.agent.Agent", null,
            "slow start: {} ms", 3)));
  }

  @ParameterizedTest
  @ValueSource(longs = {0L, 1L, 951_868_799_999L, 1_709_251_199_999L, 1_700_000_000_005L, 253_402_300_799_999L})
  void timestampsAsThePattern(long epochMillis) {
    assertSame(event(epochMillis, Level.INFO, "dev.outrigger.agent.Agent", null, "started"));
  }

  @Test
  void levelsAndLoggerNamesAsThePattern() {
    for (Level level : new Level[] {Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR}) {
      for (String logger : new String[] {"dev.outrigger.core.relay.RelayHandler", "ROOT", "nodots", "trailing."}) {
        assertSame(event(1_700_000_000_005L, level, logger, null, "line {} of {}", 1, null));
      }
    }
  }

  @Test
  void stackTracesAsThePattern() {
    IOException cause = new IOException("reset by peer");
    IllegalStateException failure = new IllegalStateException("cannot start", cause);
    failure.addSuppressed(new UncheckedIOException("close failed", new IOException("closed")));
    assertSame(event(1_700_000_000_005L, Level.ERROR, "dev.outrigger.agent.ProxyCommand", failure,
        "cannot start: {}", failure.getMessage()));
  }

  private void assertSame(ILoggingEvent event) {
    assertEquals(pattern.doLayout(event), layout.doLayout(event));
  }

  private ILoggingEvent event(long epochMillis, Level level, String logger, Throwable thrown, String message,
      Object... args) {
    LoggingEvent event = new LoggingEvent(getClass().getName(), context.getLogger(logger), level, message, thrown, args);
    event.setTimeStamp(epochMillis);
    return event;
  }

  private Layout<ILoggingEvent> started(Layout<ILoggingEvent> l) {
    l.setContext(context);
    l.start();
    return l;
  }

  private Layout<ILoggingEvent> patternLayout(String p) {
    PatternLayout l = new PatternLayout();
    l.setPattern(p);
    return started(l);
  }
}
