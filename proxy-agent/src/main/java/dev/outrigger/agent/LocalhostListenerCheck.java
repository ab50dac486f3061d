package dev.outrigger.agent;

import dev.outrigger.core.config.InboundMode;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seed 004's upgrade trap, caught at runtime: in preserve mode (Istio >= 1.10) the inbound side
 * dials the pod IP from 127.0.0.6, so an app that listens on 127.0.0.1 only gets a reset where it
 * used to get traffic. Istio only warns statically (IST0143); this reads the pod's listening
 * sockets at start and every {@link #PERIOD_SECONDS} s on its own thread (never an event loop),
 * and says so once per port in the log, as a gauge, and on /healthz/ready and /config_dump.
 *
 * <p>The ports that count are those the init rules capture, as the pod's include/excludeInboundPorts
 * annotations say ({@link CapturedInboundPorts}; every port when they cannot be read, as the
 * injector's default {@code *}), except the proxy's own and the ports already forwarded over
 * loopback by {@link AgentConfig#LOCALHOST_INBOUND_PORTS} or, with istiod, by a Sidecar resource's
 * {@code ingress.defaultEndpoint: 127.0.0.1:PORT}.
 */
final class LocalhostListenerCheck implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalhostListenerCheck.class);
  static final long PERIOD_SECONDS = 10;
  static final List<Path> PROC_FILES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));

  private final List<Path> files;
  private final Set<Integer> ignoredPorts;
  private final CapturedInboundPorts captured;
  /** Ports istiod's configuration forwards to loopback now (a Sidecar ingress defaultEndpoint 127.0.0.1:PORT). */
  private final IntPredicate forwardedOverLoopback;
  /** The lo-only ports of the last scan, ascending. */
  private volatile Set<Integer> loopbackOnly = Set.of();
  private final Set<Integer> warned = ConcurrentHashMap.newKeySet();
  private final AtomicLong scanFailures = new AtomicLong();
  private ScheduledExecutorService scheduler;

  /** @param ignoredPorts the proxy's own ports and those forwarded over loopback already */
  LocalhostListenerCheck(List<Path> files, Set<Integer> ignoredPorts) {
    this(files, ignoredPorts, CapturedInboundPorts.ALL);
  }

  /** @param captured the ports the init rules send to the proxy: only those can be reset */
  LocalhostListenerCheck(List<Path> files, Set<Integer> ignoredPorts, CapturedInboundPorts captured) {
    this(files, ignoredPorts, captured, port -> false);
  }

  /**
   * @param forwardedOverLoopback asked at each scan: whether the mesh configuration of the moment
   *     already sends a port to loopback (istiod's STATIC inbound cluster for a Sidecar
   *     {@code ingress.defaultEndpoint: 127.0.0.1:PORT}), so the lo-bound app there is reached
   */
  LocalhostListenerCheck(List<Path> files, Set<Integer> ignoredPorts, CapturedInboundPorts captured,
      IntPredicate forwardedOverLoopback) {
    this.files = List.copyOf(files);
    this.ignoredPorts = Set.copyOf(ignoredPorts);
    this.captured = captured;
    this.forwardedOverLoopback = forwardedOverLoopback;
  }

  /** Whether the check applies: only preserve mode dials the pod IP. */
  static boolean applies(InboundMode mode) {
    return mode == InboundMode.PRESERVE;
  }

  /** One scan now, then one every {@link #PERIOD_SECONDS} s on a daemon thread. */
  void start() {
    scan();
    scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "outrigger-listener-check");
      t.setDaemon(true);
      return t;
    });
    scheduler.scheduleWithFixedDelay(this::scan, PERIOD_SECONDS, PERIOD_SECONDS, TimeUnit.SECONDS);
  }

  /** Reads the socket tables and updates the result; a warning for each port not warned about yet. */
  void scan() {
    List<InetSocketAddress> listening = new ArrayList<>();
    for (Path file : files) {
      try {
        listening.addAll(ProcNetTcp.listeners(Files.readString(file), ByteOrder.nativeOrder()));
      } catch (NoSuchFileException noIpv6) {
        // /proc/net/tcp6 is absent where IPv6 is disabled: nothing listens there.
      } catch (IOException | RuntimeException e) {
        long failures = scanFailures.incrementAndGet();
        if (failures == 1) {
          log.warn("cannot read {} to check for apps listening on localhost only: {}"
              + " (counted in listener_check.scan_failures_total; logged once)", file, e.toString());
        }
        return; // keep the last result rather than report a half-read table
      }
    }
    Set<Integer> now = new java.util.TreeSet<>(AppListeners.of(listening).loopbackOnly(ignoredPorts));
    now.removeIf(port -> !captured.captures(port) || forwardedOverLoopback.test(port));
    loopbackOnly = Set.copyOf(now);
    for (int port : now) {
      if (warned.add(port)) {
        log.warn(warning(port));
      }
    }
  }

  static String warning(int port) {
    return "port " + port + ": the app listens on localhost (127.0.0.1/::1) only; in preserve inbound mode"
        + " (as Istio >= 1.10) inbound connections to it are reset, since the sidecar dials the pod IP."
        + " Fix: bind the app to 0.0.0.0 or the pod IP, or forward this port over loopback with the annotation"
        + " outrigger.dev/localhostInboundPorts (" + AgentConfig.LOCALHOST_INBOUND_PORTS + "=" + port + "),"
        + " or use " + AgentConfig.INBOUND_MODE + "=loopback";
  }

  /** The ports the app listens on lo only (as of the last scan), ascending. */
  Set<Integer> loopbackOnly() {
    return new java.util.TreeSet<>(loopbackOnly);
  }

  long scanFailures() {
    return scanFailures.get();
  }

  /** A line for /healthz/ready's body, or "" when no port is affected. */
  String readinessLine() {
    Set<Integer> ports = loopbackOnly();
    if (ports.isEmpty()) {
      return "";
    }
    return "warning: app listens on localhost only on port(s) " + join(ports)
        + ": inbound connections are reset in preserve mode (see " + AgentConfig.LOCALHOST_INBOUND_PORTS + ")\n";
  }

  void register(PrometheusRegistry registry) {
    GaugeWithCallback.builder()
        .name("outrigger_inbound_localhost_only_listeners")
        .help("Ports the app listens on localhost only: their inbound connections are reset in preserve mode")
        .callback(cb -> cb.call(loopbackOnly.size()))
        .register(registry);
  }

  static String join(Set<Integer> ports) {
    return String.join(",", ports.stream().sorted().map(String::valueOf).toList());
  }

  @Override
  public void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
  }
}
