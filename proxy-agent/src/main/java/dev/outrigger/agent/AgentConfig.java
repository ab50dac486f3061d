package dev.outrigger.agent;

import dev.outrigger.agent.probe.AppProbes;
import dev.outrigger.agent.probe.ProbeTargets;
import dev.outrigger.core.config.InboundMode;
import dev.outrigger.core.config.InterceptionMode;
import dev.outrigger.core.config.ProxySettings;
import dev.outrigger.core.http.HttpSettings;
import dev.outrigger.core.inbound.LocalhostInboundPorts;
import dev.outrigger.core.overload.OverloadSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Everything `outrigger proxy` reads from its environment, parsed once. Every key has a named
 * constant and a documented default; a bad value fails startup with a message naming the key.
 *
 * @param proxy the data-path settings
 * @param http protocol detection and the HTTP path
 * @param statusPort readiness, {@code GET /healthz/ready} on all addresses (Istio: 15021)
 * @param adminPort the admin API on 127.0.0.1 only (Envoy: 15000)
 * @param drain how long the process stays up after SIGTERM: the termination drain duration
 *     (Istio: 5s), or until no connection is open with EXIT_ON_ZERO_ACTIVE_CONNECTIONS
 * @param logLevel level of the application log (the access log has its own switch)
 * @param telemetry access-log encoding, metrics ports and the labels' pod identity
 * @param accessLogFlushInterval how often buffered access-log lines reach stdout (Istio runs Envoy
 *     with --file-flush-interval-msec 1000)
 * @param overload the buffer budget over all connections (default: half the direct memory)
 * @param xds istiod's address and credentials; empty when no control plane is configured
 *     (passthrough)
 * @param mtls where the workload certificate comes from, and the inbound mTLS mode without istiod
 * @param capturedInboundPorts the inbound ports the init rules capture, from the pod's annotations
 * @param appProbes the app's probes the agent port performs for the kubelet (ISTIO_KUBE_APP_PROBERS)
 * @param probeTargets where those probes go (the pod IP, or localhost; localhost for the loopback-forwarded ports)
 *     and the source they bind
 */
public record AgentConfig(
    ProxySettings proxy, HttpSettings http, int statusPort, int adminPort, TerminationDrain drain, String logLevel,
    TelemetryConfig telemetry, Duration accessLogFlushInterval, OverloadSettings overload, Optional<XdsConfig> xds,
    MeshTlsConfig mtls, CapturedInboundPorts capturedInboundPorts, AppProbes appProbes, ProbeTargets probeTargets) {

  public static final String INBOUND_MODE = "OUTRIGGER_INBOUND_MODE";
  /**
   * Istio's interception mode, as the injector sets it on the proxy container (REDIRECT, TPROXY or
   * NONE); TPROXY makes the inbound listener transparent and dials the app from the client's address.
   */
  public static final String INTERCEPTION_MODE = "ISTIO_META_INTERCEPTION_MODE";
  /**
   * Ports forwarded to the app over loopback even in preserve mode ("8080,9090"), for apps that
   * listen on lo only; the injector sets it from the annotation outrigger.dev/localhostInboundPorts.
   */
  public static final String LOCALHOST_INBOUND_PORTS = "OUTRIGGER_LOCALHOST_INBOUND_PORTS";
  public static final String OUTBOUND_PORT = "OUTRIGGER_OUTBOUND_PORT";
  public static final String INBOUND_PORT = "OUTRIGGER_INBOUND_PORT";
  public static final String STATUS_PORT = "OUTRIGGER_STATUS_PORT";
  public static final String ADMIN_PORT = "OUTRIGGER_ADMIN_PORT";
  public static final String CONNECT_TIMEOUT = "OUTRIGGER_CONNECT_TIMEOUT";
  public static final String IDLE_TIMEOUT = "OUTRIGGER_IDLE_TIMEOUT";
  public static final String DRAIN_DURATION = "OUTRIGGER_DRAIN_DURATION";
  /** Istio's agent names, read by pilot-agent from its environment (options.go). */
  public static final String EXIT_ON_ZERO_ACTIVE_CONNECTIONS = "EXIT_ON_ZERO_ACTIVE_CONNECTIONS";
  public static final String MINIMUM_DRAIN_DURATION = "MINIMUM_DRAIN_DURATION";
  public static final String ACCESS_LOG = "OUTRIGGER_ACCESS_LOG";
  public static final String ACCESS_LOG_FLUSH_INTERVAL = "OUTRIGGER_ACCESS_LOG_FLUSH_INTERVAL";
  public static final String IPV6 = "OUTRIGGER_IPV6";
  public static final String CONCURRENCY = "OUTRIGGER_CONCURRENCY";
  public static final String LOG_LEVEL = "OUTRIGGER_LOG_LEVEL";
  public static final String ACCESS_LOG_ENCODING = "OUTRIGGER_ACCESS_LOG_ENCODING";
  public static final String PROMETHEUS_PORT = "OUTRIGGER_PROMETHEUS_PORT";
  public static final String AGENT_PORT = "OUTRIGGER_AGENT_PORT";
  public static final String APP_METRICS_TIMEOUT = "OUTRIGGER_APP_METRICS_TIMEOUT";
  public static final String TCP_REPORTING_INTERVAL = "OUTRIGGER_TCP_REPORTING_INTERVAL";
  /** Istio's injector passes the pod's prometheus.io annotations here (meshConfig.enablePrometheusMerge). */
  public static final String PROMETHEUS_ANNOTATIONS = "ISTIO_PROMETHEUS_ANNOTATIONS";

  /**
   * Reads the configuration (and the pod's labels and annotations, where Istio's injector mounts
   * them); throws {@link ConfigException} naming the first bad key.
   */
  public static AgentConfig fromEnvironment(Map<String, String> env) {
    return fromEnvironment(env, PodInfo.read(PodInfo.DEFAULT_DIR));
  }

  static AgentConfig fromEnvironment(Map<String, String> env, PodInfo pod) {
    return fromEnvironment(env, pod, PrivateAddresses::find);
  }

  /** @param podAddresses the pod's own addresses (its interfaces'), asked for only with xDS on */
  static AgentConfig fromEnvironment(Map<String, String> env, PodInfo pod, Supplier<List<String>> podAddresses) {
    Env e = new Env(env);
    ProxySettings defaults = ProxySettings.defaults();
    ProxySettings proxy;
    try {
      proxy = new ProxySettings(
          e.get(OUTBOUND_PORT, defaults.outboundPort(), Env::port),
          e.get(INBOUND_PORT, defaults.inboundPort(), Env::port),
          e.get(INBOUND_MODE, defaults.inboundMode(), InboundMode::parse),
          e.get(CONNECT_TIMEOUT, defaults.connectTimeout(), Env::positiveDuration),
          e.get(IDLE_TIMEOUT, defaults.idleTimeout(), Env::positiveDuration),
          e.get(ACCESS_LOG, defaults.accessLog(), Env::onOff),
          e.get(IPV6, defaults.ipv6(), Env::onOff),
          e.get(CONCURRENCY, defaults.workerThreads(), Env::positive),
          e.get(LOCALHOST_INBOUND_PORTS, defaults.localhostInboundPorts(), LocalhostInboundPorts::parse),
          e.get(INTERCEPTION_MODE, defaults.interceptionMode(), InterceptionMode::parse));
    } catch (IllegalArgumentException crossFieldProblem) {
      throw new ConfigException(crossFieldProblem.getMessage());
    }
    Optional<XdsConfig> xds = XdsConfig.fromEnvironment(env, e, pod, podAddresses);
    return new AgentConfig(
        proxy,
        HttpConfig.fromEnvironment(e),
        e.get(STATUS_PORT, 15021, Env::port),
        e.get(ADMIN_PORT, 15000, Env::port),
        new TerminationDrain(
            e.get(DRAIN_DURATION, TerminationDrain.defaults().terminationDrainDuration(), Env::duration),
            e.get(EXIT_ON_ZERO_ACTIVE_CONNECTIONS, TerminationDrain.defaults().exitOnZeroActiveConnections(), Env::onOff),
            e.get(MINIMUM_DRAIN_DURATION, TerminationDrain.defaults().minimumDrainDuration(), Env::duration)),
        e.get(LOG_LEVEL, "info", Env::logLevel),
        TelemetryConfig.fromEnvironment(env, e, pod, xds),
        e.get(ACCESS_LOG_FLUSH_INTERVAL, Duration.ofSeconds(1), Env::positiveDuration),
        OverloadConfig.fromEnvironment(e),
        xds,
        MeshTlsConfig.fromEnvironment(env, e, xds),
        CapturedInboundPorts.of(pod),
        AppProbes.parse(env.get(AppProbes.ENV)),
        ProbeTargets.fromEnvironment(env, proxy.localhostInboundPorts()));
  }

  /** One environment lookup with its parser; wraps parse errors with the key's name. */
  record Env(Map<String, String> values) {
    <T> T get(String key, T fallback, Function<String, T> parser) {
      String raw = values.get(key);
      if (raw == null || raw.isBlank()) {
        return fallback;
      }
      try {
        return parser.apply(raw.trim());
      } catch (IllegalArgumentException e) {
        throw new ConfigException(key + "=" + e.getMessage());
      }
    }

    static int port(String raw) {
      int port = integer(raw, "a port number 0-65535");
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("'" + raw + "' (expected: a port number 0-65535)");
      }
      return port;
    }

    static int positive(String raw) {
      int n = integer(raw, "a whole number >= 1");
      if (n < 1) {
        throw new IllegalArgumentException("'" + raw + "' (expected: a whole number >= 1)");
      }
      return n;
    }

    private static int integer(String raw, String expected) {
      try {
        return Integer.parseInt(raw);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + raw + "' (expected: " + expected + ")");
      }
    }

    static Duration duration(String raw) {
      return Durations.parse(raw);
    }

    static Duration positiveDuration(String raw) {
      Duration d = Durations.parse(raw);
      if (d.isZero()) {
        throw new IllegalArgumentException("'" + raw + "' (expected: a duration > 0)");
      }
      return d;
    }

    static boolean onOff(String raw) {
      switch (raw.toLowerCase(java.util.Locale.ROOT)) {
        case "on": case "true": case "1": case "yes":
          return true;
        case "off": case "false": case "0": case "no":
          return false;
        default:
          throw new IllegalArgumentException("'" + raw + "' (expected: on or off)");
      }
    }

    static String logLevel(String raw) {
      String level = raw.toLowerCase(java.util.Locale.ROOT);
      if (!java.util.List.of("trace", "debug", "info", "warn", "error", "off").contains(level)) {
        throw new IllegalArgumentException("'" + raw + "' (expected: trace, debug, info, warn, error or off)");
      }
      return level;
    }
  }
}
