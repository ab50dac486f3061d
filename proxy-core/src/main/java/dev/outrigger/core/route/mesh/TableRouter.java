package dev.outrigger.core.route.mesh;

import dev.outrigger.core.cluster.ClusterManager;
import dev.outrigger.core.config.ConfigStore;
import dev.outrigger.core.config.MeshConfig;
import dev.outrigger.core.log.ResponseFlag;
import dev.outrigger.core.route.HttpRouter;
import dev.outrigger.core.route.HttpRouting;
import dev.outrigger.core.route.RouteDecision;
import dev.outrigger.core.route.Upstream;
import dev.outrigger.core.route.listener.NetworkAction;
import dev.outrigger.core.route.table.Route;
import dev.outrigger.core.route.table.RouteAction;
import dev.outrigger.core.route.table.RouteTable;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Routes each request of one HTTP connection by the route table its listener names, read from the
 * configuration snapshot current when the request arrives (an RDS update applies to the next
 * request of an open connection, as in Envoy).
 */
final class TableRouter implements HttpRouter {
  private final ConfigStore store;
  private final ClusterManager clusters;
  private final NetworkAction.Http http;
  private final Upstream original;

  TableRouter(ConfigStore store, ClusterManager clusters, NetworkAction.Http http, Upstream original) {
    this.store = store;
    this.clusters = clusters;
    this.http = http;
    this.original = original;
  }

  @Override
  public HttpRouting route(HttpRequest request) {
    MeshConfig config = store.current();
    Optional<RouteTable> table = http.inlineRoutes().or(() -> config.route(http.rdsName()));
    String authority = request.headers().get(HttpHeaderNames.HOST);
    Optional<Route> route = table.flatMap(t -> t.route(authority, request.uri(), name -> values(request, name)));
    if (route.isEmpty()) {
      return new HttpRouting.Answer(404, "", ResponseFlag.NO_ROUTE, "route_not_found", null, null);
    }
    Route r = route.get();
    if (r.action() instanceof RouteAction.Respond respond) {
      return new HttpRouting.Answer(respond.status(), respond.body(), ResponseFlag.NONE, "direct_response", null,
          r.name());
    }
    RouteAction.Forward forward = (RouteAction.Forward) r.action();
    String cluster = forward.pick(ThreadLocalRandom.current().nextInt(forward.totalWeight()));
    ClusterManager.Choice choice = clusters.choose(config, cluster, original);
    if (choice instanceof ClusterManager.Choice.Chosen c) {
      return new HttpRouting.Forward(new RouteDecision(cluster, c.upstream(), c.target(), r.name(), r.timeout(),
          r.retry(), r.fault(), r.headers()));
    }
    return choice instanceof ClusterManager.Choice.NoCluster
        ? new HttpRouting.Answer(503, "", ResponseFlag.NO_CLUSTER_FOUND, "cluster_not_found", cluster, r.name())
        : new HttpRouting.Answer(503, "no healthy upstream", ResponseFlag.NO_HEALTHY_UPSTREAM, "no_healthy_upstream",
            cluster, r.name());
  }

  /** A header's values, with Envoy's pseudo-headers for the request line. */
  private static List<String> values(HttpRequest request, String name) {
    return switch (name) {
      case ":method" -> List.of(request.method().name());
      case ":path" -> List.of(request.uri());
      case ":authority" -> Optional.ofNullable(request.headers().get(HttpHeaderNames.HOST)).map(List::of).orElse(List.of());
      default -> request.headers().getAll(name);
    };
  }
}
