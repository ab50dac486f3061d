package dev.outrigger.core.route;

import dev.outrigger.core.log.ResponseFlag;

/** What the route table says of one HTTP request: forward it, or answer it here. */
public sealed interface HttpRouting {
  /** Send it upstream as decided. */
  record Forward(RouteDecision decision) implements HttpRouting {}

  /**
   * Answer it locally (Envoy: no route 404 NR, a direct_response such as istiod's block_all 502,
   * no healthy upstream 503 UH, no cluster 503 NC).
   *
   * @param cluster the cluster the request was meant for, for the access log, or null
   * @param routeName the route that took it, or null
   */
  record Answer(int status, String body, ResponseFlag flag, String details, String cluster, String routeName)
      implements HttpRouting {}
}
