package dev.outrigger.core.route;

import dev.outrigger.core.route.table.FaultPolicy;
import dev.outrigger.core.route.table.HeaderMutations;
import dev.outrigger.core.route.table.RetryPolicy;
import java.time.Duration;

/**
 * Where one TCP connection or one HTTP request goes, decided once where all its inputs are known
 * (per connection for TCP, per request for HTTP) and carried as this one value.
 *
 * @param cluster Istio's cluster name, for logs and metrics ({@code outbound|9080|v1|reviews...})
 * @param upstream the endpoint chosen in that cluster
 * @param target the cluster, for retries, outcomes and limits
 * @param routeName the route that took the request (access log {@code route_name}), or null
 * @param timeout the route timeout, zero for none
 * @param retry when the request is tried again
 * @param fault faults injected on it
 * @param headers header changes the route makes
 */
public record RouteDecision(String cluster, Upstream upstream, ClusterTarget target, String routeName, Duration timeout, RetryPolicy retry,
    FaultPolicy fault, HeaderMutations headers) {
  /** A connection to one endpoint, with no route policy (TCP, and the passthrough paths). */
  public static RouteDecision to(String cluster, Upstream upstream) {
    return new RouteDecision(cluster, upstream, ClusterTarget.fixed(upstream), null, Duration.ZERO, RetryPolicy.NONE, FaultPolicy.NONE,
        HeaderMutations.NONE);
  }

  /**
   * The route name the passthrough path logs (without a control plane every request takes one
   * catch-all route); a request no route took logs none, as Envoy.
   */
  public static final String PASSTHROUGH_ROUTE = "default";

  public RouteDecision withRouteName(String name) {
    return new RouteDecision(cluster, upstream, target, name, timeout, retry, fault, headers);
  }

  public RouteDecision withTimeout(Duration value) {
    return new RouteDecision(cluster, upstream, target, routeName, value, retry, fault, headers);
  }
}
