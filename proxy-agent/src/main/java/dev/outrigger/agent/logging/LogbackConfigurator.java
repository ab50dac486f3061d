package dev.outrigger.agent.logging;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.ClassicConstants;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.Layout;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.hook.DefaultShutdownHook;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.util.ContextUtil;

/**
 * The logging of outrigger.jar, set up in code: reading the same setup from logback.xml took Joran
 * and the JDK's XML parser, about 100 ms of the proxy's start-up. The application log goes to
 * stderr; stdout is the access log's alone (it has its own writer, see BufferedLineWriter), as
 * with Istio's sidecar.
 *
 * <p>A configuration named with {@code -Dlogback.configurationFile}, or a logback-test.xml on the
 * class path, still wins: they came before logback.xml in logback's search, and still do.
 */
public final class LogbackConfigurator extends ContextAwareBase implements Configurator {
  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (userConfigurationGiven()) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    // Queued: degraded-connection lines are written from event loops, which must not wait on stderr.
    root.addAppender(queued(context, "APP", 1024,
        console(context, "STDERR", "System.err", new ApplicationLogLayout())));
    context.getLogger("io.netty").setLevel(Level.WARN);
    // Flushes the queues when the JVM exits.
    DefaultShutdownHook flushOnExit = new DefaultShutdownHook();
    flushOnExit.setContext(context);
    new ContextUtil(context).addOrReplaceShutdownHook(flushOnExit);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  private boolean userConfigurationGiven() {
    return System.getProperty(ClassicConstants.CONFIG_FILE_PROPERTY) != null
        || getClass().getClassLoader().getResource(ClassicConstants.TEST_AUTOCONFIG_FILE) != null;
  }

  private static Appender<ILoggingEvent> console(
      LoggerContext context, String name, String target, Layout<ILoggingEvent> layout) {
    layout.setContext(context);
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(context);
    encoder.setLayout(layout);
    encoder.start();
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName(name);
    console.setTarget(target);
    console.setEncoder(encoder);
    console.start();
    return console;
  }

  /**
   * Callers hand lines to a queue and never block on the console; when the queue is full, lines
   * are dropped rather than stalling traffic.
   */
  private static Appender<ILoggingEvent> queued(
      LoggerContext context, String name, int queueSize, Appender<ILoggingEvent> target) {
    AsyncAppender queue = new AsyncAppender();
    queue.setContext(context);
    queue.setName(name);
    queue.setQueueSize(queueSize);
    // 0 keeps every level: AsyncAppender's default drops INFO and below once the queue is 80% full.
    queue.setDiscardingThreshold(0);
    queue.setNeverBlock(true);
    queue.addAppender(target);
    queue.start();
    return queue;
  }
}
