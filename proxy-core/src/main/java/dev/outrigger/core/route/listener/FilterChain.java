package dev.outrigger.core.route.listener;

/** One filter chain of a listener: its match, and the network action of its terminal filter. */
public record FilterChain(String name, FilterChainMatch match, NetworkAction action) {}
