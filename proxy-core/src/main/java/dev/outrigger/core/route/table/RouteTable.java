package dev.outrigger.core.route.table;

import dev.outrigger.core.net.Authority;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * An HTTP route table (Envoy's RouteConfiguration, as RDS delivers it), immutable. The virtual
 * host is chosen by the request's authority the way Envoy chooses it: an exact domain first, then
 * the longest {@code *suffix} wildcard, then the longest {@code prefix*} wildcard, then {@code *}.
 */
public final class RouteTable {
  private final String name;
  private final List<VirtualHost> virtualHosts;
  private final Map<String, VirtualHost> exact = new HashMap<>();
  private final List<Map.Entry<String, VirtualHost>> suffixes;
  private final List<Map.Entry<String, VirtualHost>> prefixes;
  private final VirtualHost fallback;
  private final boolean ignorePortInHostMatching;

  public RouteTable(String name, List<VirtualHost> virtualHosts) {
    this(name, virtualHosts, false);
  }

  /**
   * @param ignorePortInHostMatching match the authority without its port (istiod sets this on every
   *     sidecar outbound route configuration and lists domains without ports)
   */
  public RouteTable(String name, List<VirtualHost> virtualHosts, boolean ignorePortInHostMatching) {
    this.name = name;
    this.ignorePortInHostMatching = ignorePortInHostMatching;
    this.virtualHosts = List.copyOf(virtualHosts);
    Map<String, VirtualHost> suffix = new HashMap<>();
    Map<String, VirtualHost> prefix = new HashMap<>();
    VirtualHost any = null;
    for (VirtualHost vh : this.virtualHosts) {
      for (String domain : vh.domains()) {
        Map<String, VirtualHost> target;
        String key;
        if (domain.equals("*")) {
          if (any != null) {
            throw new IllegalArgumentException("route table " + name + ": two virtual hosts for '*'");
          }
          any = vh;
          continue;
        } else if (domain.startsWith("*")) {
          target = suffix;
          key = domain.substring(1);
        } else if (domain.endsWith("*")) {
          target = prefix;
          key = domain.substring(0, domain.length() - 1);
        } else {
          target = exact;
          key = domain;
        }
        if (target.putIfAbsent(key, vh) != null) {
          // Envoy refuses the whole RouteConfiguration: the same domain in two virtual hosts.
          throw new IllegalArgumentException("route table " + name + ": domain '" + domain + "' in two virtual hosts");
        }
      }
    }
    Comparator<Map.Entry<String, VirtualHost>> longestFirst =
        Comparator.comparingInt((Map.Entry<String, VirtualHost> e) -> e.getKey().length()).reversed();
    this.suffixes = suffix.entrySet().stream().sorted(longestFirst).toList();
    this.prefixes = prefix.entrySet().stream().sorted(longestFirst).toList();
    this.fallback = any;
  }

  public String name() {
    return name;
  }

  public List<VirtualHost> virtualHosts() {
    return virtualHosts;
  }

  /** The virtual host for a request's Host/:authority, if any. */
  public Optional<VirtualHost> virtualHost(String authority) {
    String host = authority == null ? "" : authority.toLowerCase(Locale.ROOT);
    if (ignorePortInHostMatching) {
      host = Authority.withoutPort(host);
    }
    VirtualHost vh = exact.get(host);
    if (vh != null) {
      return Optional.of(vh);
    }
    for (Map.Entry<String, VirtualHost> e : suffixes) {
      if (host.length() > e.getKey().length() && host.endsWith(e.getKey())) {
        return Optional.of(e.getValue());
      }
    }
    for (Map.Entry<String, VirtualHost> e : prefixes) {
      if (host.length() > e.getKey().length() && host.startsWith(e.getKey())) {
        return Optional.of(e.getValue());
      }
    }
    return Optional.ofNullable(fallback);
  }

  /**
   * The route for a request: the first matching route of its virtual host.
   *
   * @param headerValues all values of a header by lower-case name
   */
  public Optional<Route> route(String authority, String pathWithQuery, Function<String, List<String>> headerValues) {
    return virtualHost(authority).flatMap(vh -> vh.routes().stream()
        .filter(r -> r.match().matches(pathWithQuery, headerValues))
        .findFirst());
  }
}
