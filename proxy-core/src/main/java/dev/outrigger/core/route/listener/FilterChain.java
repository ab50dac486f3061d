package dev.outrigger.core.route.listener;

import java.util.Optional;

/**
 * One filter chain of a listener: its match, the network action of its terminal filter, and the
 * TLS it terminates (its DownstreamTlsContext), if any.
 */
public record FilterChain(String name, FilterChainMatch match, NetworkAction action, Optional<DownstreamTlsSpec> tls) {
  /** A chain on plaintext (or relayed TLS) bytes. */
  public FilterChain(String name, FilterChainMatch match, NetworkAction action) {
    this(name, match, action, Optional.empty());
  }
}
