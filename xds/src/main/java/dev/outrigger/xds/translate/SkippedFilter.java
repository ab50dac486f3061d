package dev.outrigger.xds.translate;

/**
 * Something in a listener the translator let pass without doing what it does, because what it
 * does changes no request's fate (stats, metadata exchange, ...) or is what this proxy does by
 * itself (tls_inspector, http_inspector, original_dst): shown by the config dump, so nobody takes
 * its presence there for its effect.
 *
 * @param filterChain the filter chain's name ("" for the listener's own filters or unnamed chains)
 * @param kind "listener_filter", "network_filter", "http_filter", "transport_socket" or "listener"
 * @param name the filter's name
 * @param typeUrl its typed_config's type (inside a TypedStruct, the one it names)
 * @param why why it could be skipped
 */
public record SkippedFilter(String filterChain, String kind, String name, String typeUrl, String why) {}
