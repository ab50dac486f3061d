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
import java.util.Optional;

/**
 * Traffic arriving for the pod's app. With a mesh configuration, istiod's inbound listener chooses
 * the chain by destination port; its clusters connect to the app as the inbound mode says. Without
 * one, every connection and request goes to the app under {@code inbound|<port>||}.
 */
public final class InboundRouter implements Router {
  private final InboundEndpoint endpoint;
  private final HttpSettings http;
  private final ConfigStore store;
  private final ChainPlanner planner;

  /** A router with no control plane: passthrough only. */
  public InboundRouter(InboundMode mode, HttpSettings http) {
    this(mode, http, new ConfigStore(), new ClusterManager());
  }

  public InboundRouter(InboundMode mode, HttpSettings http, ConfigStore store, ClusterManager clusters) {
    this(mode, http, store, clusters, null);
  }

  /** @param tls this workload's TLS identity, to terminate istiod's mTLS chains; null: none (they are refused) */
  public InboundRouter(InboundMode mode, HttpSettings http, ConfigStore store, ClusterManager clusters,
      dev.outrigger.core.tls.TlsContexts tls) {
    this.endpoint = new InboundEndpoint(mode);
    this.http = http;
    this.store = store;
    this.planner = new ChainPlanner(store, clusters, tls);
  }

  /** Istio's inbound cluster for a port: {@code inbound|8080||}. */
  public static String cluster(int port) {
    return "inbound|" + port + "||";
  }

  @Override
  public boolean detectsProtocol(OriginalDestination originalDestination) {
    if (!http.detection() || http.isServerFirst(originalDestination.port())) {
      return false;
    }
    return listener(store.current()).map(MeshListeners::needsDetection).orElse(true);
  }

  @Override
  public ConnectionPlan plan(ConnectionFacts facts) {
    MeshConfig config = store.current();
    OriginalDestination destination = facts.destination();
    Upstream app = endpoint.forDestination(destination);
    Optional<ListenerSpec> listener = listener(config);
    if (listener.isPresent()) {
      return planner.plan(config, listener.get(), facts, app);
    }
    RouteDecision decision = RouteDecision.to(cluster(destination.port()), app);
    if (!Protocols.isHttp(facts)) {
      return new ConnectionPlan.Tcp(decision);
    }
    HttpRouting.Forward forward = new HttpRouting.Forward(decision.withTimeout(http.routeTimeout()).withRouteName(RouteDecision.PASSTHROUGH_ROUTE));
    return new ConnectionPlan.Http(request -> forward);
  }

  private static Optional<ListenerSpec> listener(MeshConfig config) {
    return config.hasListeners() ? MeshListeners.inbound(config.listeners()) : Optional.empty();
  }
}
