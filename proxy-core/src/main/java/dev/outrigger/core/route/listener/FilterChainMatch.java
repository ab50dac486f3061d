package dev.outrigger.core.route.listener;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a connection must be for a filter chain to take it (Envoy's FilterChainMatch, the fields
 * istiod uses). Empty or zero fields match anything.
 *
 * @param destinationPort 0 for any
 * @param destinationPrefixes the original destination's address ranges
 * @param transportProtocol "tls", "raw_buffer", or "" for any
 * @param applicationProtocols ALPN or detected protocols (http/1.1, h2c, istio-http/1.1, ...)
 * @param serverNames SNI names, exact ("api.example.com") or wildcard ("*.example.com"), lower
 *     case; empty for any
 */
public record FilterChainMatch(int destinationPort, List<IpPrefix> destinationPrefixes, String transportProtocol,
    Set<String> applicationProtocols, List<IpPrefix> sourcePrefixes, List<String> serverNames) {
  public static final FilterChainMatch ANY = new FilterChainMatch(0, List.of(), "", Set.of(), List.of());

  public FilterChainMatch {
    destinationPrefixes = List.copyOf(destinationPrefixes);
    applicationProtocols = Set.copyOf(applicationProtocols);
    sourcePrefixes = List.copyOf(sourcePrefixes);
    serverNames = serverNames.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
  }

  /** A match that names no server. */
  public FilterChainMatch(int destinationPort, List<IpPrefix> destinationPrefixes, String transportProtocol,
      Set<String> applicationProtocols, List<IpPrefix> sourcePrefixes) {
    this(destinationPort, destinationPrefixes, transportProtocol, applicationProtocols, sourcePrefixes, List.of());
  }

  /**
   * Envoy's server-name score (filter_chain_manager_impl.cc, findFilterChainForServerName): 0
   * when no names are named; an exact name beats every wildcard; among wildcards the longest
   * suffix wins ("*.b.example.com" over "*.example.com" for "a.b.example.com"); a wildcard needs at
   * least one label before its suffix; -1 when names are named and none matches.
   */
  public int serverNameScore(String serverName) {
    if (serverNames.isEmpty()) {
      return 0;
    }
    int best = -1;
    for (String name : serverNames) {
      if (name.startsWith("*.")) {
        String suffix = name.substring(1); // ".example.com"
        if (serverName.length() > suffix.length() && serverName.endsWith(suffix)) {
          best = Math.max(best, 1 + suffix.length());
        }
      } else if (name.equals(serverName) && !serverName.isEmpty()) {
        return Integer.MAX_VALUE;
      }
    }
    return best;
  }
}
