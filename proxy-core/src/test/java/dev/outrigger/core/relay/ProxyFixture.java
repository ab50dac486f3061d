package dev.outrigger.core.relay;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.outrigger.core.Direction;
import dev.outrigger.core.config.InboundMode;
import dev.outrigger.core.config.ProxySettings;
import dev.outrigger.core.http.HttpSettings;
import dev.outrigger.core.log.AccessLog;
import dev.outrigger.core.server.ProxyServer;
import dev.outrigger.core.stats.Counter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/**
 * A real proxy on loopback (epoll, ephemeral ports) whose "original destination" is whatever the
 * test sets: the relay is exercised through real sockets without root or iptables.
 */
public final class ProxyFixture implements AutoCloseable {
  public final AtomicReference<InetSocketAddress> destination = new AtomicReference<>();
  final AtomicReference<IOException> lookupFailure = new AtomicReference<>();
  public final ProxyServer server;
  private final ListAppender<ILoggingEvent> accessLines = new ListAppender<>();
  private final Logger accessLogger = (Logger) LoggerFactory.getLogger(AccessLog.LOGGER_NAME);

  /** An L4-only proxy: protocol detection off, so server-first exchanges work on any port. */
  static HttpSettings l4Only() {
    HttpSettings d = HttpSettings.defaults();
    return new HttpSettings(false, d.serverFirstPorts(), d.routeTimeout(), d.maxRequestHeaderBytes(), d.tracing(),
        d.traceSamplingPercent(), d.upstreamIdleTimeout());
  }

  ProxyFixture(InboundMode mode, Duration connectTimeout, Duration idleTimeout) throws Exception {
    this(mode, connectTimeout, idleTimeout, l4Only());
  }

  public ProxyFixture(InboundMode mode, Duration connectTimeout, Duration idleTimeout, HttpSettings http)
      throws Exception {
    accessLines.start();
    accessLogger.addAppender(accessLines);
    ProxySettings settings = new ProxySettings(0, 0, mode, connectTimeout, idleTimeout, true, false, 1);
    server = new ProxyServer(settings, http, ch -> {
      IOException failure = lookupFailure.get();
      if (failure != null) {
        throw failure;
      }
      return destination.get();
    }, new AccessLog(true), dev.outrigger.core.telemetry.Telemetry.NONE);
    server.start();
  }

  ProxyFixture() throws Exception {
    this(InboundMode.PRESERVE, Duration.ofSeconds(10), Duration.ofHours(1));
  }

  public Socket connect(Direction direction) throws IOException {
    Socket s = new Socket("127.0.0.1", server.port(direction));
    s.setSoTimeout(10_000);
    return s;
  }

  public long counter(Direction direction, Counter counter) {
    return server.stats().get(direction).get(counter);
  }

  /** Waits (bounded) until every connection is closed, then returns the access-log lines. */
  public List<String> awaitIdleAndAccessLines() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (server.activeConnections() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    if (server.activeConnections() > 0) {
      throw new AssertionError("connections still open: " + server.activeConnections());
    }
    synchronized (accessLines.list) {
      return accessLines.list.stream().map(ILoggingEvent::getFormattedMessage).collect(Collectors.toList());
    }
  }

  @Override
  public void close() {
    accessLogger.detachAppender(accessLines);
    server.close();
  }
}
