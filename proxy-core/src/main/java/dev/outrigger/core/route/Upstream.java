package dev.outrigger.core.route;

import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * Where and how to connect for one accepted connection.
 *
 * @param address the upstream to connect to
 * @param bindAddress the local address to bind before connecting, if any (127.0.0.6 for preserve)
 * @param cluster Istio's cluster name for the access log, e.g. {@code inbound|8080||}
 */
public record Upstream(InetSocketAddress address, Optional<InetSocketAddress> bindAddress, String cluster) {}
