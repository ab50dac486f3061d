package dev.outrigger.core.route.table;

import java.util.List;
import java.util.Locale;

/**
 * The routes for a set of domains (Istio: one per service, its names and VIPs, with and without
 * the port). The first route that matches wins, in order.
 */
public record VirtualHost(String name, List<String> domains, List<Route> routes) {
  public VirtualHost {
    domains = domains.stream().map(d -> d.toLowerCase(Locale.ROOT)).toList();
    routes = List.copyOf(routes);
  }
}
