package dev.outrigger.it.xds;

import dev.outrigger.it.apps.ToolJvm;
import dev.outrigger.it.apps.tool.TcpTool;
import dev.outrigger.it.harness.BackgroundProcess;
import dev.outrigger.it.harness.PodNetwork;
import dev.outrigger.it.harness.Waits;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real xDS server standing in for istiod: java-control-plane's ADS server (envoyproxy's own,
 * not written here) serving a {@link MeshConfig}, reachable from the pods at
 * {@value #ADDRESS} in plaintext, as istiod's port 15010 is.
 *
 * <p>How it is reached: the gRPC server runs in this JVM, on a Unix socket in the network's work
 * dir, and a small relay in the network's own namespace (the one holding the pods' gateway
 * 10.99.0.1) forwards TCP on 10.99.0.1:15010 to that socket. The pods route to the gateway
 * directly; the sidecar's own connection (uid 1337) is not captured by iptables. Nothing
 * listens on an interface of the host.
 *
 * <p>It serves istiod's name table (NDS) too, on the same ADS stream: {@link AdsWithNameTables}
 * hands that type to {@link NameTableDiscovery}, which java-control-plane cannot serve.
 *
 * <p>{@link #stop()} ends the server and the relay (streams end, the address refuses
 * connections, as a stopped istiod's would); {@link #restart()} brings both back at the same
 * address with whatever was published meanwhile.
 */
public final class ControlPlane implements AutoCloseable {
  public static final int PORT = 15010;
  public static final String ADDRESS = PodNetwork.GATEWAY + ":" + PORT;
  /** One sidecar under test: every node is served the same snapshot. */
  private static final String GROUP = "sidecars";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

  /** What an EDS response carries. */
  public enum EdsPushes {
    /** Every subscribed ClusterLoadAssignment, on every push: java-control-plane's cache as it is. */
    ALL_SUBSCRIBED,
    /** Only the assignments that changed since the last response, as istiod's incremental EDS push. */
    CHANGED_ONLY
  }

  private final PodNetwork network;
  private final EdsPushes edsPushes;
  private final Path socket;
  private final SimpleCache<String> cache = new SimpleCache<>(node -> GROUP);
  private final VersionedSnapshots snapshots = new VersionedSnapshots();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final NameTableDiscovery nameTables = new NameTableDiscovery();
  private final AtomicInteger openStreams = new AtomicInteger();
  private final EventLoopGroup eventLoops = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
  private Server server;
  /**
   * Runs the server's callbacks (the stream observers). Its own, so that stopping can wait for
   * them: a stream's last callback (the cancel when the server shuts down) writes trailers on
   * the event loop, and must not run after close() ended the loop.
   */
  private ExecutorService streamExecutor;
  private BackgroundProcess relay;

  private ControlPlane(PodNetwork network, EdsPushes edsPushes) {
    this.network = network;
    this.edsPushes = edsPushes;
    this.socket = network.workDir().resolve("istiod.sock");
  }

  /** Starts serving {@code initial} at {@value #ADDRESS}. */
  public static ControlPlane start(PodNetwork network, MeshConfig initial) {
    return start(network, initial, EdsPushes.ALL_SUBSCRIBED);
  }

  /** Starts serving {@code initial} at {@value #ADDRESS}, with EDS responses as {@code edsPushes} says. */
  public static ControlPlane start(PodNetwork network, MeshConfig initial, EdsPushes edsPushes) {
    ControlPlane controlPlane = new ControlPlane(network, edsPushes);
    try {
      controlPlane.publish(initial);
      controlPlane.startServer();
      controlPlane.startRelay();
      return controlPlane;
    } catch (RuntimeException e) {
      controlPlane.close();
      throw e;
    }
  }

  /** What the sidecar's PILOT_ADDRESS names: ip:port inside the pod network. */
  public String address() {
    return ADDRESS;
  }

  /**
   * Makes {@code config} what the server sends. Each type's version moves only when that type's
   * resources changed, as istiod's incremental pushes do (an endpoint change is an EDS push only).
   *
   * @return the versions now served, per type
   */
  public synchronized Versions publish(MeshConfig config) {
    VersionedSnapshots.Published published = snapshots.next(config);
    cache.setSnapshot(GROUP, published.snapshot());
    return published.versions();
  }

  /**
   * Makes {@code table} istiod's name table (NDS), pushed at once to every sidecar that asked for
   * it (those with DNS capture); before the first call the table is empty, version "0".
   *
   * @return the table's version
   */
  public String publishNameTable(NameTable table) {
    return nameTables.publish(table);
  }

  /** Waits until the sidecar ACKed this version of the name table. */
  public void awaitNameTableAck(String version, Duration timeout) {
    nameTables.awaitAck(version, timeout);
  }

  /** The versions currently served. */
  public synchronized Versions versions() {
    return snapshots.current();
  }

  /** Waits until the sidecar ACKed this version of this type (a request naming it, with a nonce and no error). */
  public Request awaitAck(XdsType type, String version, Duration timeout) {
    return Waits.until("an ACK of " + type + " version " + version + " (requests so far: " + summary() + ")", timeout,
        () -> requests.stream().filter(r -> r.type() == type && r.isAckOf(version)).findFirst());
  }

  /** Waits until every type of {@code versions} is ACKed. */
  public void awaitAcks(Versions versions, Duration timeout) {
    for (XdsType type : XdsType.values()) {
      awaitAck(type, versions.of(type), timeout);
    }
  }

  /** Every request received so far, in order. */
  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** Requests that carried an error (NACKs). */
  public List<Request> nacks() {
    return requests.stream().filter(Request::isNack).toList();
  }

  public int openStreams() {
    return openStreams.get();
  }

  public synchronized boolean isRunning() {
    return server != null;
  }

  /** Ends the server and the relay: open streams end, new connections are refused. */
  public synchronized void stop() {
    stopRelay();
    stopServer();
  }

  /** Serves again at the same address, with what was last published. */
  public synchronized void restart() {
    if (server != null) {
      throw new IllegalStateException("the control plane is running");
    }
    startServer();
    startRelay();
  }

  private void startServer() {
    try {
      Files.deleteIfExists(socket);
      V3DiscoveryServer discovery = new V3DiscoveryServer(new RecordingCallbacks(),
          edsPushes == EdsPushes.CHANGED_ONLY ? new ChangedEndpointsOnly(cache) : cache);
      streamExecutor = Executors.newCachedThreadPool(daemonThreads());
      server = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toFile()))
          .channelType(EpollServerDomainSocketChannel.class)
          .executor(streamExecutor)
          .bossEventLoopGroup(eventLoops)
          .workerEventLoopGroup(eventLoops)
          // istiod's settings (pilot/pkg/grpc/grpc.go ServerOptions, keepalive defaults of
          // pkg/keepalive/options.go): pings every 30 s, and clients may ping every 15 s.
          .keepAliveTime(30, TimeUnit.SECONDS)
          .keepAliveTimeout(10, TimeUnit.SECONDS)
          .permitKeepAliveTime(15, TimeUnit.SECONDS)
          .permitKeepAliveWithoutCalls(true)
          .addService(new AdsWithNameTables(discovery.getAggregatedDiscoveryServiceImpl(), nameTables))
          .build()
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the xDS server on " + socket, e);
    }
  }

  private void startRelay() {
    relay = ToolJvm.startOnGateway(network, "istiod-relay", "forward-unix", PodNetwork.GATEWAY,
        String.valueOf(PORT), socket.toString());
    relay.awaitStdoutLine("the relay to listen", START_TIMEOUT, line -> line.startsWith(TcpTool.LISTENING));
  }

  private void stopRelay() {
    if (relay != null) {
      relay.close();
      relay = null;
    }
  }

  private void stopServer() {
    if (server != null) {
      try {
        server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        // The executor is not shut down: a stream's last callbacks can still be handed to it
        // after the server reports terminated (a transport closing late), and a rejected one is
        // logged as a stack trace. Its daemon threads end once idle for a minute.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      server = null;
      streamExecutor = null;
    }
  }

  /** Daemon threads: a server left running must not keep a test or demo JVM alive. */
  private static ThreadFactory daemonThreads() {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, "xds-server-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  private String summary() {
    List<Request> all = requests();
    return all.isEmpty() ? "none" : all.subList(Math.max(0, all.size() - 12), all.size()).toString();
  }

  @Override
  public synchronized void close() {
    stop();
    // A quiet period, not none: a closed stream's last callbacks can still reach the event loops
    // after the server reports terminated, and a terminated loop rejects them with a stack trace.
    eventLoops.shutdownGracefully(500, 2000, TimeUnit.MILLISECONDS);
  }

  /** One DiscoveryRequest as received: which stream, which node, which type, which version it reports. */
  public record Request(long stream, String nodeId, XdsType type, String version, String nonce,
      List<String> resourceNames, Optional<String> error) {
    /** An ACK: a request answering a response (a nonce) that reports this version and no error. */
    boolean isAckOf(String wanted) {
      return !nonce.isEmpty() && error.isEmpty() && version.equals(wanted);
    }

    public boolean isNack() {
      return error.isPresent();
    }

    @Override
    public String toString() {
      return type + "@" + (version.isEmpty() ? "-" : version) + (nonce.isEmpty() ? "" : "/" + nonce)
          + error.map(e -> " NACK(" + e + ")").orElse("");
    }
  }

  private final class RecordingCallbacks implements DiscoveryServerCallbacks {
    private final java.util.Map<Long, String> nodes = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public void onStreamOpen(long streamId, String typeUrl) {
      openStreams.incrementAndGet();
    }

    @Override
    public void onStreamClose(long streamId, String typeUrl) {
      openStreams.decrementAndGet();
    }

    @Override
    public void onStreamCloseWithError(long streamId, String typeUrl, Throwable error) {
      openStreams.decrementAndGet();
    }

    @Override
    public void onV3StreamRequest(long streamId, DiscoveryRequest request) {
      // Only the first request of a stream must carry the node (Envoy's set_node_on_first_message_only).
      if (request.hasNode()) {
        nodes.put(streamId, request.getNode().getId());
      }
      Optional<XdsType> type = XdsType.fromTypeUrl(request.getTypeUrl());
      type.ifPresent(t -> requests.add(new Request(streamId, nodes.getOrDefault(streamId, ""), t,
          request.getVersionInfo(), request.getResponseNonce(), List.copyOf(request.getResourceNamesList()),
          request.hasErrorDetail() ? Optional.of(request.getErrorDetail().getMessage()) : Optional.empty())));
    }

    @Override
    public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) {
      // istio-agent and Envoy as Istio configures them use state-of-the-world ADS; nothing to record.
    }

    @Override
    public void onV3StreamResponse(long streamId, DiscoveryRequest request, DiscoveryResponse response) {
      // The requests tell what the sidecar accepted; responses are what the cache decided to send.
    }
  }
}
