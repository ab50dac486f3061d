package dev.outrigger.xds.istiod;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.Duration;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.route.v3.Decorator;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate;
import java.util.List;

/** The outbound route configurations istiod sends a sidecar (pilot/pkg/networking/core httproute.go, route/). */
public final class IstiodRoutes {
  /** The virtual host and route name of ALLOW_ANY's catch-all (util.Passthrough). */
  public static final String ALLOW_ANY = "allow_any";

  private IstiodRoutes() {}

  /**
   * BuildSidecarOutboundHTTPRouteConfig: named after the port, the services' virtual hosts then
   * the catch-all, validate_clusters false, a 1 MiB direct-response limit, and
   * ignore_port_in_host_matching (SidecarIgnorePort: true for every Envoy sidecar), which is why
   * the domains carry no ":port" variants.
   */
  public static RouteConfiguration routeConfiguration(int port, List<VirtualHost> serviceHosts, VirtualHost catchAll) {
    return RouteConfiguration.newBuilder()
        .setName(String.valueOf(port))
        .addAllVirtualHosts(serviceHosts)
        .addVirtualHosts(catchAll)
        .setValidateClusters(BoolValue.of(false))
        .setMaxDirectResponseBodySizeBytes(UInt32Value.of(1024 * 1024))
        .setIgnorePortInHostMatching(true)
        .build();
  }

  /**
   * A service's virtual host (generateVirtualHostDomains with the port suffix off,
   * generateAltVirtualHostsForKubernetesService for a client in the same namespace): named
   * "reviews.default.svc.cluster.local:9080", domains the FQDN, "reviews", "reviews.default.svc",
   * "reviews.default" and the ClusterIP.
   */
  public static VirtualHost serviceVirtualHost(String service, String namespace, String vip, int port,
      List<Route> routes) {
    String host = IstiodNames.host(service, namespace);
    return VirtualHost.newBuilder()
        .setName(host + ":" + port)
        .addDomains(host)
        .addDomains(service)
        .addDomains(service + "." + namespace + ".svc")
        .addDomains(service + "." + namespace)
        .addDomains(vip)
        .addAllRoutes(routes)
        .setIncludeRequestAttemptCount(true)
        .build();
  }

  /** buildCatchAllVirtualHost under ALLOW_ANY: domain "*" to PassthroughCluster, timeouts off. */
  public static VirtualHost allowAnyVirtualHost() {
    return VirtualHost.newBuilder().setName(ALLOW_ANY).addDomains("*")
        .addRoutes(Route.newBuilder().setName(ALLOW_ANY).setMatch(prefix("/"))
            .setRoute(routeAction(Protos.NO_TIMEOUT, null).setCluster(IstiodNames.PASSTHROUGH_CLUSTER)))
        .setIncludeRequestAttemptCount(true)
        .build();
  }

  /**
   * A route as route.go translateRoute builds it: the VirtualService route's name, its match, the
   * action given (see {@link #routeAction}) and a decorator naming the service.
   */
  public static Route route(String name, RouteMatch match, RouteAction.Builder action, String host, int port) {
    return Route.newBuilder().setName(name).setMatch(match).setRoute(action).setDecorator(decorator(host, port)).build();
  }

  /**
   * A route action without its destination: the timeout given (0s unless a VirtualService sets
   * one), max_grpc_timeout 0s, and the retry policy if any (null: none).
   */
  public static RouteAction.Builder routeAction(Duration timeout, RetryPolicy retries) {
    RouteAction.Builder action = RouteAction.newBuilder().setTimeout(timeout).setMaxGrpcTimeout(Protos.NO_TIMEOUT);
    if (retries != null) {
      action.setRetryPolicy(retries);
    }
    return action;
  }

  /** The decorator istiod gives a service's routes: "reviews.default.svc.cluster.local:9080/*". */
  public static Decorator decorator(String host, int port) {
    return Decorator.newBuilder().setOperation(host + ":" + port + "/*").build();
  }

  /**
   * retry.go DefaultPolicy, what every route gets without a VirtualService {@code retries}: 2
   * retries on "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes" with
   * 503 retriable, host_selection_retry_max_attempts 5 and the previous_hosts predicate
   * (xdsfilters.RetryPreviousHosts).
   */
  public static RetryPolicy defaultRetryPolicy() {
    return RetryPolicy.newBuilder()
        .setRetryOn("connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes")
        .setNumRetries(UInt32Value.of(2))
        .addRetriableStatusCodes(503)
        .setHostSelectionRetryMaxAttempts(5)
        .addRetryHostPredicate(RetryPolicy.RetryHostPredicate.newBuilder()
            .setName("envoy.retry_host_predicates.previous_hosts")
            .setTypedConfig(Any.pack(PreviousHostsPredicate.getDefaultInstance())))
        .build();
  }

  /** A case-sensitive path prefix match, as istiod writes every match. */
  public static RouteMatch prefix(String prefix) {
    return RouteMatch.newBuilder().setPrefix(prefix).setCaseSensitive(BoolValue.of(true)).build();
  }
}
