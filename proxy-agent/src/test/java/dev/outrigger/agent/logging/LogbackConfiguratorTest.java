package dev.outrigger.agent.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.ClassicConstants;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What logback.xml set up, now in code: loggers, levels, queues, consoles and the flush at exit. */
class LogbackConfiguratorTest {
  private final LoggerContext context = new LoggerContext();

  @AfterEach
  void stop() {
    if (context.getObject(CoreConstants.SHUTDOWN_HOOK_THREAD) instanceof Thread hook) {
      Runtime.getRuntime().removeShutdownHook(hook);
    }
    context.stop();
  }

  @Test
  void applicationLogGoesQueuedToStderr() {
    assertEquals(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY, configure());

    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    assertEquals(Level.INFO, root.getLevel());
    AsyncAppender queue = assertInstanceOf(AsyncAppender.class, single(root));
    assertEquals("APP", queue.getName());
    assertQueue(queue, 1024);
    ConsoleAppender<ILoggingEvent> console = console(queue, "STDERR");
    assertEquals("System.err", console.getTarget());
    assertInstanceOf(ApplicationLogLayout.class, layoutOf(console));
    assertEquals(Level.WARN, context.getLogger("io.netty").getLevel());
  }

  @Test
  void nothingElseWritesToStdout() {
    configure();

    for (Logger logger : context.getLoggerList()) {
      logger.iteratorForAppenders().forEachRemaining(appender -> {
        AsyncAppender queue = assertInstanceOf(AsyncAppender.class, appender);
        assertEquals("System.err", console(queue, "STDERR").getTarget(), logger.getName());
      });
    }
  }

  @Test
  void queuedLinesAreFlushedAtExit() {
    configure();

    assertInstanceOf(Thread.class, context.getObject(CoreConstants.SHUTDOWN_HOOK_THREAD));
  }

  @Test
  void aNamedConfigurationFileWins() {
    String before = System.setProperty(ClassicConstants.CONFIG_FILE_PROPERTY, "/etc/outrigger/logback.xml");
    try {
      assertEquals(ExecutionStatus.INVOKE_NEXT_IF_ANY, configure());
      assertNull(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("APP"));
      assertNull(context.getObject(CoreConstants.SHUTDOWN_HOOK_THREAD));
    } finally {
      if (before == null) {
        System.clearProperty(ClassicConstants.CONFIG_FILE_PROPERTY);
      } else {
        System.setProperty(ClassicConstants.CONFIG_FILE_PROPERTY, before);
      }
    }
  }

  private ExecutionStatus configure() {
    LogbackConfigurator configurator = new LogbackConfigurator();
    configurator.setContext(context);
    return configurator.configure(context);
  }

  private static Appender<ILoggingEvent> single(Logger logger) {
    List<Appender<ILoggingEvent>> appenders = new ArrayList<>();
    logger.iteratorForAppenders().forEachRemaining(appenders::add);
    assertEquals(1, appenders.size(), logger.getName() + ": " + appenders);
    return appenders.get(0);
  }

  private static void assertQueue(AsyncAppender queue, int size) {
    assertTrue(queue.isStarted());
    assertEquals(size, queue.getQueueSize());
    assertEquals(0, queue.getDiscardingThreshold());
    assertTrue(queue.isNeverBlock());
  }

  @SuppressWarnings("unchecked")
  private static ConsoleAppender<ILoggingEvent> console(AsyncAppender queue, String name) {
    ConsoleAppender<ILoggingEvent> console = assertInstanceOf(ConsoleAppender.class, queue.getAppender(name));
    assertTrue(console.isStarted());
    return console;
  }

  private static Object layoutOf(ConsoleAppender<ILoggingEvent> console) {
    Object layout = assertInstanceOf(LayoutWrappingEncoder.class, console.getEncoder()).getLayout();
    assertNotNull(layout);
    return layout;
  }
}
