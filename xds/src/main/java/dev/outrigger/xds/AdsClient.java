package dev.outrigger.xds;

import com.google.rpc.Code;
import com.google.rpc.Status;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ADS stream (Envoy v3, state of the world) to the control plane, kept open: it subscribes,
 * hands each update to {@link XdsUpdates}, ACKs what was applied and NACKs what was not, and when
 * the stream breaks it reconnects with backoff while the last accepted configuration stays in
 * force. All state lives on one thread of its own, so gRPC's callbacks never race each other.
 */
public final class AdsClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AdsClient.class);

  private final ManagedChannel channel;
  private final Node node;
  private final XdsUpdates updates;
  private final XdsListener listener;
  private final Clock clock;
  private final ScheduledExecutorService loop;
  private final Backoff backoff;
  private final Map<ResourceType, TypeState> types = new EnumMap<>(ResourceType.class);
  private StreamObserver<DiscoveryRequest> requests;
  private int stream;
  /** Whether the server has answered on the current stream. */
  private boolean answered;
  private boolean closed;

  public AdsClient(ManagedChannel channel, Node node, XdsUpdates updates) {
    this(channel, node, updates, XdsListener.NONE);
  }

  /** @param listener told of connections, ACKs and NACKs (the agent's counters and readiness) */
  public AdsClient(ManagedChannel channel, Node node, XdsUpdates updates, XdsListener listener) {
    this(channel, node, updates, listener, new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30)),
        Clock.systemUTC());
  }

  AdsClient(ManagedChannel channel, Node node, XdsUpdates updates, Backoff backoff, Clock clock) {
    this(channel, node, updates, XdsListener.NONE, backoff, clock);
  }

  AdsClient(ManagedChannel channel, Node node, XdsUpdates updates, XdsListener listener, Backoff backoff, Clock clock) {
    this.channel = channel;
    this.node = node;
    this.updates = updates;
    this.listener = listener;
    this.backoff = backoff;
    this.clock = clock;
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "xds-client");
      t.setDaemon(true);
      return t;
    });
    executor.setRemoveOnCancelPolicy(true);
    this.loop = executor;
    for (ResourceType type : ResourceType.values()) {
      types.put(type, new TypeState(type));
    }
  }

  /** Opens the stream and subscribes to listeners and clusters (the wildcard types). */
  public void start() {
    loop.execute(this::openStream);
  }

  /**
   * Subscribes to these names of a by-name type (routes, endpoints), replacing the previous
   * set; the server then sends the named resources, and the update drops the ones left out.
   */
  public void subscribe(ResourceType type, Set<String> names) {
    Set<String> copy = Set.copyOf(names);
    loop.execute(() -> {
      TypeState state = types.get(type);
      if (state.names.equals(copy) && state.subscribed) {
        return;
      }
      state.names = copy;
      state.subscribed = true;
      if (requests != null) {
        send(request(state).setResponseNonce(state.nonce).build());
      }
    });
  }

  /** The state now, read on the client's thread. */
  public XdsSnapshot snapshot() {
    return snapshotAsync().join();
  }

  /**
   * The state now, completed on the client's thread: for a caller that must not block (an event
   * loop). Fails with RejectedExecutionException once the client is closed.
   */
  public CompletableFuture<XdsSnapshot> snapshotAsync() {
    CompletableFuture<XdsSnapshot> f = new CompletableFuture<>();
    loop.execute(() -> {
      Map<ResourceType, XdsSnapshot.TypeSnapshot> out = new EnumMap<>(ResourceType.class);
      types.forEach((t, s) -> out.put(t, s.snapshot()));
      f.complete(new XdsSnapshot(requests != null, out));
    });
    return f;
  }

  private void openStream() {
    if (closed) {
      return;
    }
    int id = ++stream;
    answered = false;
    requests = AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(new Responses(id));
    log.info("xDS stream {} opened to {}", id, channel.authority());
    for (TypeState state : types.values()) {
      state.nonce = ""; // nonces belong to a stream
      if (state.subscribed) {
        send(request(state).build());
      }
    }
  }

  private DiscoveryRequest.Builder request(TypeState state) {
    return DiscoveryRequest.newBuilder()
        .setNode(node)
        .setTypeUrl(state.type.typeUrl())
        .setVersionInfo(state.acceptedVersion)
        .addAllResourceNames(state.names);
  }

  private void send(DiscoveryRequest request) {
    try {
      requests.onNext(request);
    } catch (RuntimeException streamGone) {
      log.debug("xDS request not sent: {}", streamGone.toString()); // the stream's onError follows
    }
  }

  private void onResponse(int id, DiscoveryResponse response) {
    if (id != stream || closed) {
      return;
    }
    backoff.reset();
    if (!answered) {
      answered = true;
      log.info("xDS connected to {} (stream {})", channel.authority(), id);
      listener.connected(channel.authority());
    }
    ResourceType type = ResourceType.forTypeUrl(response.getTypeUrl()).orElse(null);
    if (type == null) {
      log.warn("xDS: ignoring a response of a type never asked for: {}", response.getTypeUrl());
      return;
    }
    TypeState state = types.get(type);
    state.nonce = response.getNonce();
    try {
      Map<String, XdsResource> received = state.inForce.decode(type, response.getResourcesList());
      // Routes and endpoints: a response may carry only what changed (istiod's incremental EDS push).
      ResourcesInForce inForce = state.inForce.after(type, received, state.names);
      Map<String, XdsResource> resources = inForce.update(type, received);
      apply(type, response.getVersionInfo(), resources);
      state.acceptedVersion = response.getVersionInfo();
      state.inForce = inForce; // only now: a rejected update changes neither the resources nor their remembered bytes
      state.acceptedAt = clock.instant();
      state.lastError = null;
      log.info("xDS: accepted {} version {} ({} resources, {} in the response)", type, response.getVersionInfo(),
          resources.size(), received.size());
      tell(() -> listener.accepted(type, response.getVersionInfo(), resources.size()));
      send(request(state).setResponseNonce(state.nonce).build());
    } catch (RejectedUpdate e) {
      boolean again = e.getMessage().equals(state.lastError) && response.getVersionInfo().equals(state.lastRejectedVersion);
      state.lastError = e.getMessage();
      state.lastRejectedVersion = response.getVersionInfo();
      if (again) {
        // A server that answers each NACK with the same update again would fill the log; counted all the same.
        log.debug("xDS: rejected {} version {} again: {}", type, response.getVersionInfo(), e.getMessage());
      } else {
        log.warn("xDS: rejected {} version {}: {}", type, response.getVersionInfo(), e.getMessage());
      }
      tell(() -> listener.rejected(type, response.getVersionInfo(), e.getMessage()));
      send(request(state).setResponseNonce(state.nonce)
          .setErrorDetail(Status.newBuilder().setCode(Code.INVALID_ARGUMENT_VALUE).setMessage(e.getMessage()))
          .build());
    }
  }

  /**
   * Applies an update; a fault of ours while applying it (not a configuration we refuse) is logged
   * with its stack and NACKed as an internal error, so that the server and the counters see it
   * instead of the stream going silent.
   */
  private void apply(ResourceType type, String version, Map<String, XdsResource> resources) throws RejectedUpdate {
    try {
      updates.accept(type, resources);
    } catch (RuntimeException fault) {
      log.error("xDS: applying {} version {} failed", type, version, fault);
      throw new RejectedUpdate("internal error applying the update: " + fault);
    }
  }

  /** Tells the listener (counters, readiness); its fault must not keep the ACK or NACK from being sent. */
  private static void tell(Runnable notification) {
    try {
      notification.run();
    } catch (RuntimeException fault) {
      log.error("xDS: a listener of the xDS client failed", fault);
    }
  }

  private void onStreamEnd(int id, Throwable error) {
    if (id != stream || closed) {
      return;
    }
    requests = null;
    long waitMillis = backoff.nextMillis();
    String why = error == null ? "closed by the server" : describe(error);
    log.warn("xDS stream {} to {} ended ({}); keeping the last configuration, reconnecting in {} ms", id,
        channel.authority(), why, waitMillis);
    listener.disconnected(channel.authority(), answered, why);
    answered = false;
    loop.schedule(this::openStream, waitMillis, TimeUnit.MILLISECONDS);
  }

  /**
   * A stream's end in one line: the gRPC code, its description and the innermost cause (a TLS
   * failure says which name did not match). Status's own text carries the cause's stack trace.
   */
  static String describe(Throwable error) {
    io.grpc.Status status = io.grpc.Status.fromThrowable(error);
    StringBuilder out = new StringBuilder(status.getCode().name());
    if (status.getDescription() != null) {
      out.append(": ").append(status.getDescription());
    }
    Throwable root = status.getCause();
    while (root != null && root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root != null) {
      out.append(" (").append(root.getClass().getSimpleName()).append(": ").append(root.getMessage()).append(')');
    }
    return out.toString();
  }

  @Override
  public void close() {
    loop.execute(() -> {
      closed = true;
      if (requests != null) {
        try {
          requests.onCompleted();
        } catch (RuntimeException ignored) {
          // already gone
        }
      }
    });
    loop.shutdown();
    try {
      loop.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** gRPC's callbacks for one stream, moved onto the client's thread. */
  private final class Responses implements StreamObserver<DiscoveryResponse> {
    private final int id;

    Responses(int id) {
      this.id = id;
    }

    @Override
    public void onNext(DiscoveryResponse response) {
      onLoop(() -> onResponse(id, response));
    }

    @Override
    public void onError(Throwable t) {
      onLoop(() -> onStreamEnd(id, t));
    }

    @Override
    public void onCompleted() {
      onLoop(() -> onStreamEnd(id, null));
    }

    private void onLoop(Runnable task) {
      try {
        // The executor would keep a task's exception in a future nobody reads: log it instead.
        loop.execute(() -> {
          try {
            task.run();
          } catch (RuntimeException fault) {
            log.error("xDS: handling the stream's message failed", fault);
          }
        });
      } catch (RejectedExecutionException closing) {
        // the client was closed; the stream's last words need no answer
      }
    }
  }
}
