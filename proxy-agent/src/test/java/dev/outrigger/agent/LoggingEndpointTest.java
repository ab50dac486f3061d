package dev.outrigger.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import dev.outrigger.agent.http.Reply;
import io.netty.handler.codec.http.HttpMethod;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Envoy's /logging: levels listed, and changed at run time with POST. */
class LoggingEndpointTest {
  private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
  private final Level rootBefore = context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel();

  @AfterEach
  void restore() {
    context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(rootBefore);
    context.getLogger("dev.outrigger.core.http").setLevel(null);
    context.getLogger("io.netty").setLevel(null);
  }

  @Test
  void levelSetsEveryLogger() {
    context.getLogger("io.netty").setLevel(Level.WARN);
    Reply r = LogLevels.handle(HttpMethod.POST, Map.of("level", List.of("debug")));
    assertEquals(200, r.status().code());
    assertEquals(Level.DEBUG, context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel());
    assertEquals(Level.DEBUG, context.getLogger("io.netty").getLevel());
    assertTrue(LoggerFactory.getLogger("dev.outrigger.core.relay.RelayHandler").isDebugEnabled());
    assertTrue(r.body().contains("  ROOT: debug\n"), r.body());
    assertTrue(r.body().contains("  io.netty: debug\n"), r.body());
  }

  @Test
  void aNamedLoggerIsSetAloneWithEnvoysLevelNames() {
    LogLevels.handle(HttpMethod.POST, Map.of("level", List.of("info")));
    Reply r = LogLevels.handle(HttpMethod.POST, Map.of("dev.outrigger.core.http", List.of("warning")));
    assertEquals(Level.WARN, context.getLogger("dev.outrigger.core.http").getLevel());
    assertEquals(Level.INFO, context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel());
    assertTrue(r.body().startsWith("active loggers:\n"), r.body());
    assertTrue(r.body().contains("  dev.outrigger.core.http: warning\n"), r.body());
    assertEquals(r.body(), LogLevels.handle(HttpMethod.GET, Map.of()).body(), "GET lists");
  }

  @Test
  void changesNeedPostAndAKnownLevel() {
    assertEquals(405, LogLevels.handle(HttpMethod.GET, Map.of("level", List.of("debug"))).status().code());
    Reply bad = LogLevels.handle(HttpMethod.POST, Map.of("level", List.of("loud")));
    assertEquals(400, bad.status().code());
    assertEquals("level='loud' (expected: trace, debug, info, warning, error, critical or off)\n", bad.body());
    assertEquals(rootBefore, context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel());
  }
}
