package dev.outrigger.core.route.table;

import java.time.Duration;

/**
 * One route of a virtual host: its match, and what happens to the requests it takes.
 *
 * @param name the route's name (Istio: the VirtualService route name), for the access log's route_name
 * @param timeout the route timeout, zero for none (Istio's default)
 */
public record Route(String name, RouteMatch match, RouteAction action, Duration timeout, RetryPolicy retry,
    FaultPolicy fault, HeaderMutations headers) {}
