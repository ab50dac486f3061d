package dev.outrigger.core.inbound;

import dev.outrigger.core.cluster.ClusterManager;
import dev.outrigger.core.config.ConfigStore;
import dev.outrigger.core.config.InboundMode;
import dev.outrigger.core.config.MeshConfig;
import dev.outrigger.core.http.HttpSettings;
import dev.outrigger.core.net.OriginalDestination;
import dev.outrigger.core.route.ConnectionPlan;
import dev.outrigger.core.route.HttpRouting;
import dev.outrigger.core.route.Protocols;
import dev.outrigger.core.route.RouteDecision;
import dev.outrigger.core.route.Router;
import dev.outrigger.core.route.Upstream;
import dev.outrigger.core.route.listener.ConnectionFacts;
import dev.outrigger.core.route.listener.ListenerSpec;
import dev.outrigger.core.route.mesh.ChainPlanner;
import dev.outrigger.core.route.mesh.MeshListeners;
import dev.outrigger.core.log.ResponseFlag;
import dev.outrigger.core.tls.MeshTls;
import dev.outrigger.core.tls.PeerAuthenticationMode;
import dev.outrigger.core.tls.ServerTlsPolicy;
import dev.outrigger.core.tls.TlsContexts;
import java.util.List;
import java.util.Optional;

/**
 * Traffic arriving for the pod's app. With a mesh configuration, istiod's inbound listener chooses
 * the chain by destination port; its clusters connect to the app as the inbound mode says. Without
 * one, every connection and request goes to the app under {@code inbound|<port>||}, after the
 * static PeerAuthentication mode's mTLS termination (or refusal).
 */
public final class InboundRouter implements Router {
  private final InboundEndpoint endpoint;
  private final HttpSettings http;
  private final ConfigStore store;
  private final ChainPlanner planner;
  private final Optional<TlsContexts> tls;
  private final StaticPeerAuthentication peerAuthentication;

  /** A router with no control plane: passthrough only. */
  public InboundRouter(InboundMode mode, HttpSettings http) {
    this(mode, http, new ConfigStore(), new ClusterManager());
  }

  public InboundRouter(InboundMode mode, HttpSettings http, ConfigStore store, ClusterManager clusters) {
    this(mode, http, store, clusters, MeshTls.NONE);
  }

  /** @param tls this workload's TLS identity, to terminate istiod's mTLS chains; null: none (they are refused) */
  public InboundRouter(InboundMode mode, HttpSettings http, ConfigStore store, ClusterManager clusters,
      TlsContexts tls) {
    this(mode, http, store, clusters, tls == null ? MeshTls.NONE : MeshTls.of(tls, PeerAuthenticationMode.DISABLE));
  }

  /**
   * @param tls this workload's identity (istiod's mTLS chains are refused without one) and the
   *     PeerAuthentication mode that applies while istiod has sent no inbound listener
   */
  public InboundRouter(InboundMode mode, HttpSettings http, ConfigStore store, ClusterManager clusters, MeshTls tls) {
    this(new InboundEndpoint(mode), http, store, clusters, tls);
  }

  /** @param endpoint how the app is reached: by inbound mode, with per-port loopback exceptions */
  public InboundRouter(InboundEndpoint endpoint, HttpSettings http, ConfigStore store, ClusterManager clusters,
      MeshTls tls) {
    this.endpoint = endpoint;
    this.http = http;
    this.store = store;
    this.planner = new ChainPlanner(store, clusters, tls.contexts().orElse(null));
    this.tls = tls.contexts();
    this.peerAuthentication = new StaticPeerAuthentication(tls.staticMode());
  }

  /** Istio's inbound cluster for a port: {@code inbound|8080||}. */
  public static String cluster(int port) {
    return "inbound|" + port + "||";
  }

  @Override
  public boolean detectsProtocol(OriginalDestination originalDestination) {
    Optional<ListenerSpec> listener = listener(store.current());
    if (listener.isEmpty() && peerAuthentication.mode() == PeerAuthenticationMode.STRICT) {
      return true; // only a TLS ClientHello is let in, whatever the port's protocol
    }
    if (http.isServerFirst(originalDestination.port())) {
      return false;
    }
    if (listener.isEmpty() && peerAuthentication.mode() == PeerAuthenticationMode.PERMISSIVE) {
      return true; // mTLS is told from plaintext by its ClientHello, even with HTTP detection off
    }
    if (!http.detection()) {
      return false;
    }
    return listener.map(MeshListeners::needsDetection).orElse(true);
  }

  @Override
  public ConnectionPlan plan(ConnectionFacts facts) {
    MeshConfig config = store.current();
    OriginalDestination destination = facts.destination();
    Upstream app = endpoint.forConnection(destination, Optional.ofNullable(facts.source()));
    Optional<ListenerSpec> listener = listener(config);
    if (listener.isPresent()) {
      return planner.plan(config, listener.get(), facts, app);
    }
    RouteDecision decision = RouteDecision.to(cluster(destination.port()), app);
    switch (peerAuthentication.choose(facts)) {
      case NONE:
        return new ConnectionPlan.Refuse(ResponseFlag.NO_ROUTE, null,
            "mTLS mode STRICT: a plaintext connection matches no filter chain");
      case MTLS_HTTP:
        return terminateTls(http(decision));
      case MTLS_TCP:
        return terminateTls(new ConnectionPlan.Tcp(decision));
      default:
        return Protocols.isHttp(facts) && http.detection() ? http(decision) : new ConnectionPlan.Tcp(decision);
    }
  }

  private ConnectionPlan http(RouteDecision decision) {
    HttpRouting.Forward forward = new HttpRouting.Forward(
        decision.withTimeout(http.routeTimeout()).withRouteName(RouteDecision.PASSTHROUGH_ROUTE));
    return new ConnectionPlan.Http(request -> forward);
  }

  /** Istio's inbound mTLS: a client certificate chained to the mesh roots is required, any identity is accepted. */
  private ConnectionPlan terminateTls(ConnectionPlan decrypted) {
    return ConnectionPlan.TerminateTls.orRefuse(tls.orElseThrow(),
        new ServerTlsPolicy(StaticPeerAuthentication.SERVER_ALPNS, true, List.of()), decrypted,
        "mTLS " + peerAuthentication.mode());
  }

  private static Optional<ListenerSpec> listener(MeshConfig config) {
    return config.hasListeners() ? MeshListeners.inbound(config.listeners()) : Optional.empty();
  }
}
