package dev.outrigger.core.relay;

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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real proxy on loopback (epoll, ephemeral ports) whose "original destination" is whatever the
 * test sets: the relay is exercised through real sockets without root or iptables.
 */
public final class ProxyFixture implements AutoCloseable {
  public final AtomicReference<InetSocketAddress> destination = new AtomicReference<>();
  final AtomicReference<IOException> lookupFailure = new AtomicReference<>();
  /** Runs on the event loop as each connection is accepted: a test can hold the loop up with it. */
  public final AtomicReference<Runnable> onAccept = new AtomicReference<>(() -> { });
  public final ProxyServer server;
  private final List<String> accessLines = new CopyOnWriteArrayList<>();
  /** Lines written while no connection was counted active: a reader waiting for the gauge could miss them. */
  private final List<String> linesAfterIdle = new CopyOnWriteArrayList<>();

  /** An L4-only proxy: protocol detection off, so server-first exchanges work on any port. */
  static HttpSettings l4Only() {
    return HttpSettings.defaults().withDetection(false);
  }

  ProxyFixture(InboundMode mode, Duration connectTimeout, Duration idleTimeout) throws Exception {
    this(mode, connectTimeout, idleTimeout, l4Only());
  }

  public ProxyFixture(InboundMode mode, Duration connectTimeout, Duration idleTimeout, HttpSettings http)
      throws Exception {
    this(mode, connectTimeout, idleTimeout, http, dev.outrigger.core.tls.MeshTls.NONE);
  }

  /** A proxy with a workload identity and the inbound mTLS mode that applies without istiod. */
  public ProxyFixture(InboundMode mode, Duration connectTimeout, Duration idleTimeout, HttpSettings http,
      dev.outrigger.core.tls.MeshTls tls) throws Exception {
    ProxySettings settings = new ProxySettings(0, 0, mode, connectTimeout, idleTimeout, true, false, 1);
    server = new ProxyServer(settings, http, dev.outrigger.core.overload.OverloadSettings.defaults(), tls, ch -> {
      onAccept.get().run();
      IOException failure = lookupFailure.get();
      if (failure != null) {
        throw failure;
      }
      return new dev.outrigger.core.net.OriginalDestination(destination.get());
    }, new AccessLog(line -> record(line.toString())), dev.outrigger.core.telemetry.Telemetry.NONE);
    server.start();
  }

  ProxyFixture() throws Exception {
    this(InboundMode.PRESERVE, Duration.ofSeconds(10), Duration.ofHours(1));
  }

  private void record(String line) {
    accessLines.add(line);
    if (server.activeConnections() == 0) {
      linesAfterIdle.add(line);
    }
  }

  public Socket connect(Direction direction) throws IOException {
    Socket s = new Socket("127.0.0.1", server.port(direction));
    s.setSoTimeout(10_000);
    return s;
  }

  public long counter(Direction direction, Counter counter) {
    return server.stats().get(direction).get(counter);
  }

  /**
   * Waits (bounded) until every connection is closed, then returns the access-log lines. A
   * connection stays counted active until its last line is written, so none can be missing; that
   * is checked here too.
   */
  public List<String> awaitIdleAndAccessLines() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (server.activeConnections() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    if (server.activeConnections() > 0) {
      throw new AssertionError("connections still open: " + server.activeConnections());
    }
    if (!linesAfterIdle.isEmpty()) {
      throw new AssertionError("access-log lines written after the active gauge reached zero: " + linesAfterIdle);
    }
    return List.copyOf(accessLines);
  }

  /** The access-log lines written so far, without waiting for anything. */
  public List<String> accessLines() {
    return List.copyOf(accessLines);
  }

  @Override
  public void close() {
    server.close();
  }
}
