package dev.outrigger.agent;

import dev.outrigger.agent.probe.AppProbeEndpoint;
import dev.outrigger.agent.http.EndpointServer;
import dev.outrigger.core.inbound.SidecarIngressEndpoints;
import dev.outrigger.core.log.AccessLog;
import dev.outrigger.core.log.BufferedLineWriter;
import dev.outrigger.core.net.SockoptOriginalDestination;
import dev.outrigger.core.overload.OverloadState;
import dev.outrigger.core.server.ProxyServer;
import dev.outrigger.core.telemetry.IstioMetrics;
import dev.outrigger.core.tls.MeshTls;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import dev.outrigger.agent.dns.DnsProxyConfig;
import dev.outrigger.agent.dns.DnsProxyServer;
import dev.outrigger.agent.dns.DnsStats;
import dev.outrigger.agent.dns.NameTable;
import dev.outrigger.agent.dns.NdsNames;
import dev.outrigger.xds.nds.NameTables;
import java.util.Map;
import java.util.function.Consumer;
import java.io.IOException;
import java.net.InetSocketAddress;
import dev.outrigger.core.Direction;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The sidecar process: the proxy, its status and admin ports, and its way out (drain, then exit). */
final class Agent {
  private static final Logger log = LoggerFactory.getLogger(Agent.class);

  enum State { STARTING, LIVE, DRAINING }

  private final AgentConfig config;
  private final ProxyServer proxy;
  private final MetricsEndpoints metricsEndpoints;
  /** /app-health/... on the agent port: the kubelet's probes of the app, performed from inside the pod. */
  private final AppProbeEndpoint appProbes;
  private final BufferedLineWriter accessLogOutput;
  /** istiod over ADS, when configured; empty in passthrough. */
  private final Optional<ControlPlane> controlPlane;
  /** The workload certificate for mTLS; empty when none is configured. */
  private final Optional<WorkloadCertificates> certificates;
  // Admin and status answer from their own thread, so readiness stays responsive under load.
  private final EventLoopGroup adminGroup = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
  private final List<Channel> httpServers = new ArrayList<>();
  private final IstioMetrics metrics;
  /** In preserve mode: which app ports listen on lo only; set once the ports are bound. */
  private volatile Optional<LocalhostListenerCheck> listenerCheck = Optional.empty();
  private final CountDownLatch exitRequested = new CountDownLatch(1);
  private final long startNanos = System.nanoTime();
  private volatile State state = State.STARTING;
  /** The DNS proxy on 15053, with ISTIO_META_DNS_CAPTURE=true. */
  private final Optional<DnsProxyServer> dns;

  Agent(AgentConfig config) throws IOException {
    this(config, Optional.empty(), Optional.empty());
  }

  /** @param staticNames a name table from a file (OUTRIGGER_DNS_NAME_TABLE), answered instead of istiod's */
  Agent(AgentConfig config, Optional<DnsProxyConfig> dnsConfig, Optional<NameTable> staticNames) throws IOException {
    this.config = config;
    TelemetryConfig telemetry = config.telemetry();
    IstioMetrics metrics = new IstioMetrics(telemetry.identity(), telemetry.tcpReportingInterval());
    this.metrics = metrics;
    this.accessLogOutput = BufferedLineWriter.stdout(config.accessLogFlushInterval());
    AccessLog accessLog = new AccessLog(config.proxy().accessLog(), telemetry.accessLogEncoding().newFormat(), accessLogOutput);
    this.certificates = WorkloadCertificates.start(config.mtls(), config.xds());
    MeshTls tls = certificates.map(c -> MeshTls.of(c.contexts(), config.mtls().staticMode())).orElse(MeshTls.NONE);
    this.proxy = new ProxyServer(config.proxy(), config.http(), config.overload(), tls, new SockoptOriginalDestination(),
        accessLog, metrics);
    certificates.ifPresent(c -> c.register(metrics.registry()));
    OverloadGauges.register(metrics.registry(), proxy.overload());
    metrics.endpoints(proxy.clusters()::metadata); // istio_* destination labels from the mesh's endpoints
    this.dns = dnsConfig.map(c -> new DnsProxyServer(c, new DnsStats()));
    // With istiod and no static table, the names come over NDS; before the first table the DNS
    // proxy answers SERVFAIL, as Istio's agent does.
    Optional<Consumer<Map<String, NameTables.NameEntry>>> nds = dns.isPresent() && staticNames.isEmpty()
        ? Optional.of(hosts -> dns.get().update(NdsNames.toNameTable(hosts))) : Optional.empty();
    this.controlPlane = config.xds().map(xds -> new ControlPlane(xds, proxy.config(), nds));
    controlPlane.ifPresent(cp -> cp.stats().register(metrics.registry()));
    AppMetrics app = telemetry.appMetrics() == null ? null : new AppMetrics(telemetry.appMetrics(), telemetry.appMetricsTimeout());
    this.metricsEndpoints = new MetricsEndpoints(metrics.registry(), app);
    dns.ifPresent(d -> {
      d.stats().register(metricsEndpoints.agentMetrics());
      if (staticNames.isPresent() || controlPlane.isEmpty()) {
        d.update(staticNames.orElse(NameTable.EMPTY)); // no istiod: only these names, the rest forwarded
      }
    });
    this.appProbes = new AppProbeEndpoint(config.appProbes(), config.probeTargets(), this::agentPort, adminGroup,
        metricsEndpoints.agentMetrics());
  }

  void start() throws IOException, InterruptedException {
    TproxyUserCheck.run(config.proxy().interceptionMode(), TproxyUserCheck.STATUS);
    proxy.start();
    if (dns.isPresent()) {
      dns.get().start();
    }
    if (controlPlane.isPresent()) {
      try {
        controlPlane.get().start();
      } catch (IOException e) {
        proxy.close();
        certificates.ifPresent(WorkloadCertificates::close);
        throw e;
      }
    }
    AdminEndpoints endpoints = new AdminEndpoints(this);
    httpServers.add(EndpointServer.bind(adminGroup, new InetSocketAddress("0.0.0.0", config.statusPort()), endpoints.status()));
    httpServers.add(EndpointServer.bind(adminGroup, new InetSocketAddress("127.0.0.1", config.adminPort()), endpoints.admin()));
    httpServers.add(EndpointServer.bind(adminGroup, new InetSocketAddress("0.0.0.0", config.telemetry().prometheusPort()),
        metricsEndpoints.prometheusPort()));
    httpServers.add(EndpointServer.bind(adminGroup, new InetSocketAddress("0.0.0.0", config.telemetry().agentPort()),
        metricsEndpoints.agentPort(endpoints.status().get("/healthz/ready"), appProbes.subtrees())));
    startListenerCheck();
    state = State.LIVE;
    log.info("{}: status port {}, admin 127.0.0.1:{}, prometheus {}, agent {}, started in {} ms",
        controlPlane.isPresent() ? "live (ready once istiod's first listeners and clusters are applied)" : "ready",
        statusPort(), adminPort(), prometheusPort(), agentPort(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
  }

  /**
   * In preserve mode, watches for app ports bound to lo only. Started after the proxy's own ports
   * are bound, so that their real numbers (0 in tests) are left out of the check.
   */
  private void startListenerCheck() {
    if (!LocalhostListenerCheck.applies(config.proxy().inboundMode())) {
      return;
    }
    Set<Integer> ignored = new HashSet<>(PROXY_PORTS);
    ignored.addAll(List.of(proxy.port(Direction.OUTBOUND), proxy.port(Direction.INBOUND), statusPort(), adminPort(),
        prometheusPort(), agentPort()));
    ignored.addAll(config.proxy().localhostInboundPorts().ports());
    LocalhostListenerCheck check = new LocalhostListenerCheck(LocalhostListenerCheck.PROC_FILES, ignored,
        config.capturedInboundPorts(),
        port -> SidecarIngressEndpoints.forwardsOverLoopback(proxy.config().current(), port));
    check.register(metrics.registry());
    check.start();
    listenerCheck = Optional.of(check);
  }

  /** The proxy's own ports, never the app's: Envoy admin, capture, HBONE (seed 002 lets 15008 through), agent, status, Prometheus. */
  private static final Set<Integer> PROXY_PORTS =
      Set.of(15000, 15001, 15006, 15008, 15020, 15021, 15090);

  Optional<LocalhostListenerCheck> listenerCheck() {
    return listenerCheck;
  }

  /** The bound status and admin ports (they differ from the configuration only when it says 0). */
  int statusPort() {
    return ((InetSocketAddress) httpServers.get(0).localAddress()).getPort();
  }

  int adminPort() {
    return ((InetSocketAddress) httpServers.get(1).localAddress()).getPort();
  }

  /** The bound Prometheus port (the proxy's metrics) and agent port (merged metrics, readiness). */
  int prometheusPort() {
    return ((InetSocketAddress) httpServers.get(2).localAddress()).getPort();
  }

  int agentPort() {
    return ((InetSocketAddress) httpServers.get(3).localAddress()).getPort();
  }

  BufferedLineWriter accessLogOutput() {
    return accessLogOutput;
  }

  MetricsEndpoints metricsEndpoints() {
    return metricsEndpoints;
  }

  AgentConfig config() {
    return config;
  }

  ProxyServer proxy() {
    return proxy;
  }

  Optional<DnsProxyServer> dns() {
    return dns;
  }

  Optional<ControlPlane> controlPlane() {
    return controlPlane;
  }

  State state() {
    return state;
  }

  long uptimeSeconds() {
    return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos);
  }

  /**
   * Ready only while live, both listeners bound, no drain started and the buffer budget not
   * exhausted: readiness fails as soon as a drain starts, and while the proxy is resetting
   * connections to stay within its memory (until it is back under the saturation level). A merely
   * saturated budget (slow peers paused, other traffic flowing) keeps the pod ready, as Envoy's
   * overload manager keeps /ready: taking every replica of a slow app out of its Service would turn
   * one slow dependency into an outage.
   */
  boolean ready() {
    return isReady(state, proxy.isReady(), proxy.overload().state()) && xdsReady() && certificateReady();
  }

  /**
   * With a certificate source, not before a certificate is there, and not once it has expired (a
   * failed renewal alone keeps the pod ready while the current one is valid). Envoy's listeners
   * likewise wait for their SDS secrets before the server is ready.
   */
  boolean certificateReady() {
    return certificates.map(WorkloadCertificates::valid).orElse(true);
  }

  Optional<WorkloadCertificates> certificates() {
    return certificates;
  }

  /**
   * With xDS, not before the first listeners and clusters (and the endpoints and routes they name)
   * were applied: Envoy's initial config, which pilot-agent's readiness waits for; from then on, whatever istiod does, the last good
   * configuration serves. Without xDS, always.
   */
  boolean xdsReady() {
    return controlPlane.map(cp -> cp.stats().initialConfigApplied(proxy.config().current())).orElse(true);
  }

  static boolean isReady(State state, boolean listenersReady, OverloadState overload) {
    return state == State.LIVE && listenersReady && overload != OverloadState.EXHAUSTED;
  }

  boolean overloaded() {
    return proxy.overload().state() == OverloadState.EXHAUSTED;
  }

  /**
   * Istio's {@code drain_listeners?inboundonly&graceful}: inbound connections are told to finish,
   * readiness turns 503, both listeners keep accepting and outbound is served as usual. The process
   * keeps running (POST /drain alone is the native-sidecar preStop; SIGTERM follows).
   */
  void drainListeners() {
    state = State.DRAINING;
    proxy.drainInbound();
  }

  /** Asks the process to drain and exit (SIGTERM, SIGINT, /quitquitquit). */
  void requestExit(String why) {
    log.info("exit requested by {}", why);
    exitRequested.countDown();
  }

  /** Blocks until an exit is requested, drains as Istio's agent does, then stops. */
  void awaitExitAndDrain() throws InterruptedException {
    exitRequested.await();
    drainListeners();
    config.drain().await(proxy::activeConnections);
    long cut = proxy.closeOpenConnections();
    httpServers.forEach(ch -> ch.close().syncUninterruptibly());
    controlPlane.ifPresent(ControlPlane::close);
    dns.ifPresent(DnsProxyServer::close);
    listenerCheck.ifPresent(LocalhostListenerCheck::close);
    proxy.close();
    certificates.ifPresent(WorkloadCertificates::close);
    accessLogOutput.close();
    adminGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    log.info("stopped ({} connections cut at the end of the drain period)", cut);
  }
}
