package dev.outrigger.core.server;

import dev.outrigger.core.Direction;
import dev.outrigger.core.ListenerContext;
import dev.outrigger.core.http.HttpSettings;
import dev.outrigger.core.http.UpstreamPools;
import dev.outrigger.core.cluster.ClusterManager;
import dev.outrigger.core.config.ConfigStore;
import dev.outrigger.core.config.ProxySettings;
import dev.outrigger.core.listener.ListenerInitializer;
import dev.outrigger.core.log.AccessLog;
import dev.outrigger.core.net.LoopGuard;
import dev.outrigger.core.net.OriginalDestinationLookup;
import dev.outrigger.core.net.TransparentOriginalDestination;
import dev.outrigger.core.config.InterceptionMode;
import dev.outrigger.core.overload.BufferBudget;
import dev.outrigger.core.overload.OverloadMonitor;
import dev.outrigger.core.overload.OverloadSettings;
import dev.outrigger.core.route.UpstreamConnector;
import dev.outrigger.core.inbound.InboundEndpoint;
import dev.outrigger.core.inbound.InboundRouter;
import dev.outrigger.core.outbound.OutboundRouter;
import dev.outrigger.core.route.Router;
import dev.outrigger.core.stats.Counter;
import dev.outrigger.core.stats.ListenerStats;
import dev.outrigger.core.telemetry.Telemetry;
import dev.outrigger.core.tls.MeshTls;
import dev.outrigger.core.tls.MeshUpstreamTransports;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import dev.outrigger.core.listener.ListenerDrain;
import dev.outrigger.core.relay.DownstreamHandler;
import java.io.IOException;
import java.net.SocketException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two capture listeners (outbound and inbound), their connections, and draining them. A drain
 * is Istio's {@code drain_listeners?inboundonly&graceful}: inbound connections are told to finish,
 * both listeners keep accepting (Envoy stops them only after --drain-time-s, 45 s in Istio, longer
 * than the 5 s termination drain), and outbound traffic is served as usual until the process exits.
 */
public final class ProxyServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProxyServer.class);

  private final ProxySettings settings;
  private final OriginalDestinationLookup lookup;
  private final AccessLog accessLog;
  private final Telemetry telemetry;
  private final HttpSettings http;
  private final EventLoopGroup group;
  private final Map<Direction, ListenerDrain> drains = new EnumMap<>(Direction.class);
  private final List<Channel> listeners = new ArrayList<>();
  private final Map<Direction, ListenerStats> stats = new EnumMap<>(Direction.class);
  private final Map<Direction, Integer> boundPorts = new ConcurrentHashMap<>();
  private final LoopGuard loopGuard;
  /** Read per connection, so that {@link #routeWith} applies to the next one. */
  private final Map<Direction, Router> routers = new ConcurrentHashMap<>();
  private final UpstreamConnector connector;
  private final BufferBudget budget;
  private final OverloadMonitor overloadMonitor;
  /** What the data path routes by: empty (passthrough) until a control plane fills it. */
  private final ConfigStore config = new ConfigStore();
  private final ClusterManager clusters;
  private final MeshTls tls;
  private volatile boolean accepting;
  private volatile boolean draining;

  public ProxyServer(ProxySettings settings, OriginalDestinationLookup lookup, AccessLog accessLog,
      Telemetry telemetry) throws SocketException {
    this(settings, HttpSettings.defaults(), lookup, accessLog, telemetry);
  }

  public ProxyServer(ProxySettings settings, HttpSettings http, OriginalDestinationLookup lookup,
      AccessLog accessLog, Telemetry telemetry) throws SocketException {
    this(settings, http, OverloadSettings.defaults(), lookup, accessLog, telemetry);
  }

  public ProxyServer(ProxySettings settings, HttpSettings http, OverloadSettings overload,
      OriginalDestinationLookup lookup, AccessLog accessLog, Telemetry telemetry) throws SocketException {
    this(settings, http, overload, MeshTls.NONE, lookup, accessLog, telemetry);
  }

  /**
   * @param tls the workload's mTLS identity: istiod's ISTIO_MUTUAL clusters and mTLS inbound chains
   *     use it, and without istiod its static inbound mode applies
   */
  public ProxyServer(ProxySettings settings, HttpSettings http, OverloadSettings overload, MeshTls tls,
      OriginalDestinationLookup lookup, AccessLog accessLog, Telemetry telemetry) throws SocketException {
    this.settings = settings;
    this.tls = tls;
    this.clusters = tls.contexts()
        .map(contexts -> new ClusterManager(new MeshUpstreamTransports(contexts)))
        .orElseGet(ClusterManager::new);
    this.http = http;
    this.lookup = lookup;
    this.accessLog = accessLog;
    this.telemetry = telemetry;
    this.group = new MultiThreadIoEventLoopGroup(settings.workerThreads(), HalfClosedEpollFix.epoll());
    for (Direction d : Direction.values()) {
      stats.put(d, new ListenerStats(d));
      drains.put(d, new ListenerDrain(d));
    }
    // A live view: with port 0 (tests) the real ports are known only once bound.
    this.loopGuard = LoopGuard.forListeners(port -> boundPorts.containsValue(port));
    routers.put(Direction.OUTBOUND, new OutboundRouter(http, config, clusters));
    routers.put(Direction.INBOUND, new InboundRouter(
        new InboundEndpoint(settings.inboundMode(), settings.localhostInboundPorts(), settings.interceptionMode()), http, config, clusters, tls));
    this.budget = new BufferBudget(overload);
    this.connector = new UpstreamConnector(settings.connectTimeout(), budget);
    this.overloadMonitor = new OverloadMonitor(budget);
  }

  /** Binds both listeners on all IPv4 addresses, and on all IPv6 addresses where IPv6 is enabled. */
  public void start() throws IOException, InterruptedException {
    bindV4(Direction.OUTBOUND, settings.outboundPort());
    bindV4(Direction.INBOUND, settings.inboundPort());
    if (settings.ipv6()) {
      bindV6(Direction.OUTBOUND);
      bindV6(Direction.INBOUND);
    }
    accepting = true;
    log.info("listening: outbound {}, inbound {} ({}), inbound mode {}, mTLS {}", boundPorts.get(Direction.OUTBOUND),
        boundPorts.get(Direction.INBOUND), settings.interceptionMode().label(), settings.inboundMode().label()
            + (settings.localhostInboundPorts().isEmpty() ? ""
                : " (over loopback for ports " + settings.localhostInboundPorts().label() + ")"), tls.contexts().isEmpty() ? "off (no certificate source)"
            : "on (without istiod: " + tls.staticMode() + ")");
  }

  private void bindV4(Direction direction, int port) throws IOException, InterruptedException {
    Channel ch = Listeners.bind(group, initializer(direction), new InetSocketAddress("0.0.0.0", port), false,
        isTransparent(direction));
    listeners.add(ch);
    boundPorts.put(direction, ((InetSocketAddress) ch.localAddress()).getPort());
  }

  private void bindV6(Direction direction) throws InterruptedException {
    int port = boundPorts.get(direction);
    try {
      Channel ch = Listeners.bind(group, initializer(direction), new InetSocketAddress("::", port), true,
          isTransparent(direction));
      listeners.add(ch);
    } catch (IOException e) {
      log.info("IPv6 {} listener not bound ({}); serving IPv4 only", direction.label(), e.getMessage());
    }
  }

  private ListenerInitializer initializer(Direction direction) {
    ListenerContext context = new ListenerContext(direction, stats.get(direction), accessLog, telemetry, connector,
        http, new UpstreamPools(connector, http));
    OriginalDestinationLookup directionLookup = isTransparent(direction)
        ? new TransparentOriginalDestination(lookup, port -> boundPorts.containsValue(port))
        : lookup;
    DownstreamHandler.Factory handlers =
        () -> new DownstreamHandler(directionLookup, loopGuard, routers.get(direction), context);
    return new ListenerInitializer(handlers, settings.idleTimeout(), drains.get(direction), stats.get(direction), budget);
  }

  /** TPROXY diverts inbound connections only; outbound capture is nat REDIRECT in every mode. */
  private boolean isTransparent(Direction direction) {
    return direction == Direction.INBOUND && settings.interceptionMode() == InterceptionMode.TPROXY;
  }

  /** True while both listeners are bound and no drain has started: what readiness reports. */
  public boolean isReady() {
    return accepting && !draining && listeners.stream().allMatch(Channel::isActive);
  }

  public int port(Direction direction) {
    return boundPorts.get(direction);
  }

  public Map<Direction, ListenerStats> stats() {
    return stats;
  }

  /** The mesh configuration the listeners route by; a control plane (xDS) publishes into it. */
  public ConfigStore config() {
    return config;
  }

  /**
   * Routes the next connections of a direction with {@code router} instead of the configuration
   * store's: for tests that drive the data path with decisions of their own, and for embedding.
   */
  public void routeWith(Direction direction, Router router) {
    routers.put(direction, router);
  }

  /** The clusters' live state (hosts, ejections, counters): what /clusters shows. */
  public ClusterManager clusters() {
    return clusters;
  }

  /** The workload's mTLS identity and static inbound mode. */
  public MeshTls tls() {
    return tls;
  }

  /** The buffer budget all connections' reads count against: its state and counters. */
  public BufferBudget overload() {
    return budget;
  }

  public long activeConnections() {
    return stats.values().stream().mapToLong(s -> s.get(Counter.DOWNSTREAM_CX_ACTIVE)).sum();
  }

  /** Closes the listeners; open connections go on. */
  public void stopAccepting() {
    accepting = false;
    listeners.forEach(l -> l.close().syncUninterruptibly());
  }

  /**
   * Starts draining the inbound listener: readiness turns false, every inbound HTTP connection ends
   * at its next clean boundary (see {@link ListenerDrain}), new inbound connections are still
   * accepted and drained from the start. Outbound is untouched: the app's own calls during its
   * shutdown keep working. A second call does nothing.
   */
  public synchronized void drainInbound() {
    if (draining) {
      return;
    }
    draining = true;
    int told = drains.get(Direction.INBOUND).start();
    log.info("draining inbound: {} connections told to finish; both listeners keep accepting", told);
  }

  /**
   * The end of the drain period: closes every connection still open, on both listeners.
   *
   * @return the number of connections that were still open
   */
  public long closeOpenConnections() {
    long remaining = activeConnections();
    if (remaining > 0) {
      log.warn("drain period over with {} connections open; closing them", remaining);
    }
    drains.values().forEach(d -> d.closeAll().awaitUninterruptibly(5, TimeUnit.SECONDS));
    return remaining;
  }

  @Override
  public void close() {
    stopAccepting();
    drains.values().forEach(d -> d.closeAll().awaitUninterruptibly(5, TimeUnit.SECONDS));
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    overloadMonitor.close();
  }
}
