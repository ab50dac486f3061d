package dev.outrigger.core.route.listener;

import java.util.List;
import java.util.Set;

/**
 * What a connection must be for a filter chain to take it (Envoy's FilterChainMatch, the fields
 * istiod uses). Empty or zero fields match anything.
 *
 * @param destinationPort 0 for any
 * @param destinationPrefixes the original destination's address ranges
 * @param transportProtocol "tls", "raw_buffer", or "" for any
 * @param applicationProtocols ALPN or detected protocols (http/1.1, h2c, istio-http/1.1, ...)
 */
public record FilterChainMatch(int destinationPort, List<IpPrefix> destinationPrefixes, String transportProtocol,
    Set<String> applicationProtocols, List<IpPrefix> sourcePrefixes) {
  public static final FilterChainMatch ANY = new FilterChainMatch(0, List.of(), "", Set.of(), List.of());

  public FilterChainMatch {
    destinationPrefixes = List.copyOf(destinationPrefixes);
    applicationProtocols = Set.copyOf(applicationProtocols);
    sourcePrefixes = List.copyOf(sourcePrefixes);
  }
}
