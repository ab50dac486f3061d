package dev.outrigger.it.sidecar;

import dev.outrigger.it.harness.BackgroundProcess;
import dev.outrigger.it.harness.CommandFailedException;
import dev.outrigger.it.harness.CommandResult;
import dev.outrigger.it.harness.Pod;
import dev.outrigger.it.harness.Waits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * An Outrigger sidecar in a pod: Istio's nat rules written by `bin/outrigger iptables`, then
 * `bin/outrigger proxy` running as uid/gid 1337 with the given environment.
 */
public final class Sidecar implements AutoCloseable {
  public static final int PROXY_UID = 1337;
  public static final int OUTBOUND_PORT = 15001;
  public static final int INBOUND_PORT = 15006;
  public static final int STATUS_PORT = 15021;
  public static final int ADMIN_PORT = 15000;
  public static final int PROMETHEUS_PORT = 15090;
  /** The agent port: the proxy's metrics merged with the app's. */
  public static final int AGENT_PORT = 15020;
  /** Istio's bind address for connections to the app in preserve mode ("6 is the magic number"). */
  public static final String INBOUND_PASSTHROUGH_BIND = "127.0.0.6";
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(5);
  /** The proxy's default flush interval and a margin. */
  private static final Duration ACCESS_LOG_FLUSH = Duration.ofMillis(1300);

  private final Pod pod;
  private final BackgroundProcess process;

  private Sidecar(Pod pod, BackgroundProcess process) {
    this.pod = pod;
    this.process = process;
  }

  /** Writes the nat rules, starts the proxy and waits until it reports ready. */
  public static Sidecar inject(Pod pod, SidecarSettings settings) {
    Outrigger.iptables(pod, Outrigger.ISTIO_DEFAULT_IPTABLES_FLAGS).requireSuccess();
    Sidecar sidecar = startProxy(pod, settings);
    sidecar.awaitReady();
    return sidecar;
  }

  /**
   * DNS capture, as with proxyMetadata ISTIO_META_DNS_CAPTURE="true": the init step with --redirect-dns
   * (its rules send the app's DNS to the nameservers of the pod's resolv.conf to 15053), the proxy
   * with ISTIO_META_DNS_CAPTURE=true (its DNS proxy on 15053).
   */
  public static Sidecar injectWithDnsCapture(Pod pod, SidecarSettings settings) {
    List<String> flags = new ArrayList<>(Outrigger.ISTIO_DEFAULT_IPTABLES_FLAGS);
    flags.add("--redirect-dns");
    Outrigger.iptables(pod, flags).requireSuccess();
    Sidecar sidecar = startProxy(pod, settings.with("ISTIO_META_DNS_CAPTURE", "true"));
    sidecar.awaitReady();
    return sidecar;
  }

  /**
   * TPROXY interception, as Istio's injector (and Outrigger's) sets it up: the init step with -m TPROXY,
   * the proxy with ISTIO_META_INTERCEPTION_MODE=TPROXY, as uid 0 and gid 1337 (the gid owner rules keep
   * its own traffic out of capture) with NET_ADMIN as its only capability (IP_TRANSPARENT, SO_MARK).
   */
  public static Sidecar injectTproxy(Pod pod, SidecarSettings settings) {
    List<String> flags = new ArrayList<>(Outrigger.ISTIO_DEFAULT_IPTABLES_FLAGS);
    flags.set(flags.indexOf("REDIRECT"), "TPROXY");
    Outrigger.iptables(pod, flags).requireSuccess();
    Sidecar sidecar = startProxy(pod, settings.with(SidecarSettings.INTERCEPTION_MODE, "TPROXY"), true);
    sidecar.awaitReady();
    return sidecar;
  }

  /** Starts only the proxy process and returns at once (for tests of startup itself). */
  public static Sidecar startProxy(Pod pod, SidecarSettings settings) {
    return startProxy(pod, settings, false);
  }

  private static Sidecar startProxy(Pod pod, SidecarSettings settings, boolean netAdmin) {
    List<String> argv = new ArrayList<>(netAdmin
        // The pod spec's "runAsUser: 0, runAsGroup: 1337, capabilities: drop ALL, add NET_ADMIN".
        ? List.of("setpriv", "--reuid=0", "--regid=" + PROXY_UID, "--clear-groups", "--bounding-set=-all,+net_admin")
        : List.of("setpriv", "--reuid=" + PROXY_UID, "--regid=" + PROXY_UID, "--clear-groups"));
    argv.add("env");
    argv.addAll(settings.assignments());
    argv.add(ProxyLauncher.forProxyUser(pod.workDir()).toString());
    argv.add("proxy");
    return new Sidecar(pod, pod.start("istio-proxy", argv));
  }

  public Pod pod() {
    return pod;
  }

  public BackgroundProcess process() {
    return process;
  }

  /** Polls the status port like a kubelet readiness probe; fails at once if the proxy exits. */
  public void awaitReady() {
    Waits.until("the sidecar in " + pod + " to be ready", READY_TIMEOUT, () -> {
      if (!process.isAlive()) {
        throw new CommandFailedException("the proxy in " + pod + " exited during startup\n" + process.describeOutput());
      }
      return readiness() == 200;
    });
  }

  /** HTTP status of GET /healthz/ready on the status port, or 0 when nothing answers. */
  public int readiness() {
    return httpStatus("GET", "http://127.0.0.1:" + STATUS_PORT + "/healthz/ready");
  }

  /** HTTP status of an admin request, or 0 when nothing answers. */
  public int adminStatus(String method, String path) {
    return httpStatus(method, "http://127.0.0.1:" + ADMIN_PORT + path);
  }

  /** A request to the admin port, which listens on 127.0.0.1 inside the pod only. */
  public CommandResult admin(String method, String path) {
    return pod.exec(HTTP_TIMEOUT.plusSeconds(5), List.of("curl", "-sS", "--max-time", String.valueOf(HTTP_TIMEOUT.toSeconds()),
        "-X", method, "http://127.0.0.1:" + ADMIN_PORT + path));
  }

  public ProxyStats stats() {
    return ProxyStats.parse(admin("GET", "/stats").requireSuccess().stdout());
  }

  /** Scrapes {@code /stats/prometheus} on a port of the pod (15090, or 15020 for the merged view). */
  public PrometheusSamples metrics(int port) {
    CommandResult scrape = pod.exec(HTTP_TIMEOUT.plusSeconds(5), List.of("curl", "-sS", "--fail",
        "--max-time", String.valueOf(HTTP_TIMEOUT.toSeconds()), "http://127.0.0.1:" + port + "/stats/prometheus"));
    return PrometheusSamples.parse(scrape.requireSuccess().stdout());
  }

  private int httpStatus(String method, String url) {
    CommandResult result = pod.exec(HTTP_TIMEOUT.plusSeconds(5), List.of("curl", "-s", "-o", "/dev/null",
        "-w", "%{http_code}", "--max-time", String.valueOf(HTTP_TIMEOUT.toSeconds()), "-X", method, url));
    return Integer.parseInt(result.stdout().strip());
  }

  /** Access-log lines on stdout so far; lines of the last second may still be buffered. */
  public List<String> accessLog() {
    return process.stdoutLines();
  }

  /** Every access-log line of what happened before the call: waits out one flush interval (1 s). */
  public List<String> flushedAccessLog() {
    try {
      Thread.sleep(ACCESS_LOG_FLUSH.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return process.stdoutLines();
  }

  /** Waits for an access-log line; lines are logged when a connection or request ends and reach stdout within 1 s. */
  public String awaitAccessLog(String what, Predicate<String> matcher) {
    return process.awaitStdoutLine(what, Duration.ofSeconds(10), matcher);
  }

  /**
   * The pid of the JVM itself. The launcher chain (ip netns exec, setpriv, env, sh) execs rather
   * than forks today, but the pid is looked up by command so a forking step would not matter.
   */
  public long proxyPid() {
    ProcessHandle top = process.handle();
    return Stream.concat(Stream.of(top), top.descendants())
        .filter(p -> p.info().command().map(command -> command.endsWith("/java")).orElse(false))
        .findFirst()
        .map(ProcessHandle::pid)
        .orElseThrow(() -> new IllegalStateException("no java process under pid " + top.pid()));
  }

  /** Number of open file descriptors of the proxy JVM. */
  public long openFileDescriptors() {
    try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(proxyPid()), "fd"))) {
      return fds.count();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the proxy's file descriptors", e);
    }
  }

  /** Sends SIGTERM to the proxy, as the kubelet does when the pod is deleted. */
  public void terminate() {
    ProcessHandle.of(proxyPid()).ifPresent(ProcessHandle::destroy);
  }

  public int awaitExit(Duration timeout) {
    return process.awaitExit(timeout);
  }

  @Override
  public void close() {
    process.close();
  }
}
