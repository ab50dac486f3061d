package dev.outrigger.core.outbound;

import dev.outrigger.core.cluster.ClusterManager;
import dev.outrigger.core.config.ConfigStore;
import dev.outrigger.core.config.MeshConfig;
import dev.outrigger.core.http.HttpSettings;
import dev.outrigger.core.log.ResponseFlag;
import dev.outrigger.core.net.Authority;
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
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * Traffic the pod's app sends out. With a mesh configuration (xDS), the listener on the original
 * destination decides; without one, every connection and request passes through to the address
 * the app dialled, under Istio's passthrough cluster names.
 */
public final class OutboundRouter implements Router {
  private final HttpSettings http;
  private final ConfigStore store;
  private final ChainPlanner planner;

  /** A router with no control plane: passthrough only. */
  public OutboundRouter(HttpSettings http) {
    this(http, new ConfigStore(), new ClusterManager());
  }

  public OutboundRouter(HttpSettings http, ConfigStore store, ClusterManager clusters) {
    this.http = http;
    this.store = store;
    this.planner = new ChainPlanner(store, clusters);
  }

  @Override
  public boolean detectsProtocol(OriginalDestination originalDestination) {
    if (!http.detection() || http.isServerFirst(originalDestination.port())) {
      return false;
    }
    MeshConfig config = store.current();
    if (!config.hasListeners()) {
      return true;
    }
    return MeshListeners.outbound(config.listeners(), originalDestination.address()).map(MeshListeners::needsDetection)
        .orElse(false);
  }

  @Override
  public ConnectionPlan plan(ConnectionFacts facts) {
    MeshConfig config = store.current();
    InetSocketAddress destination = facts.destination().address();
    Upstream upstream = Upstream.direct(destination);
    if (config.hasListeners()) {
      Optional<ListenerSpec> listener = MeshListeners.outbound(config.listeners(), destination);
      if (listener.isEmpty()) {
        return new ConnectionPlan.Refuse(ResponseFlag.NO_ROUTE, null, "no listener for " + destination);
      }
      return planner.plan(config, listener.get(), facts, upstream);
    }
    if (!Protocols.isHttp(facts)) {
      return new ConnectionPlan.Tcp(RouteDecision.to(cluster(destination, null), upstream));
    }
    return new ConnectionPlan.Http(request -> new HttpRouting.Forward(
        RouteDecision.to(cluster(destination, request.headers().get(HttpHeaderNames.HOST)), upstream)
            .withTimeout(http.routeTimeout()).withRouteName(RouteDecision.PASSTHROUGH_ROUTE)));
  }

  /**
   * Istio names outbound clusters after the service: for HTTP the Host header's host (without a
   * registry, the name the app used), else the destination address (RFC 5952 for IPv6).
   */
  static String cluster(InetSocketAddress destination, String host) {
    String name = host == null || host.isBlank() ? NetUtil.toAddressString(destination.getAddress()) : Authority.host(host);
    return "outbound|" + destination.getPort() + "||" + name;
  }
}
