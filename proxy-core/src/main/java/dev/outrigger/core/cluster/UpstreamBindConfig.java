package dev.outrigger.core.cluster;

import dev.outrigger.core.net.BindAddress;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * A cluster's upstream_bind_config: the local addresses its connections bind before connecting.
 * istiod sets 127.0.0.6 (and ::6 on dual-stack pods) on inbound clusters that dial the pod IP, so
 * that the nat rule "-A ISTIO_OUTPUT -s 127.0.0.6/32 -o lo -j RETURN" keeps the connection from
 * being captured back to the proxy (cluster_builder.go buildInboundCluster).
 *
 * <p>Envoy's DefaultUpstreamLocalAddressSelector: the source address of the endpoint's IP family,
 * else the first one; at most one address per family (checked where the config is translated).
 *
 * @param sources source_address first, then extra_source_addresses; empty when the cluster has none
 */
public record UpstreamBindConfig(List<BindAddress> sources) {
  public static final UpstreamBindConfig NONE = new UpstreamBindConfig(List.of());

  public UpstreamBindConfig {
    sources = List.copyOf(sources);
  }

  /** The address a connection to {@code endpoint} binds; empty when the cluster binds none. */
  public Optional<BindAddress> forEndpoint(InetAddress endpoint) {
    if (sources.isEmpty()) {
      return Optional.empty();
    }
    boolean ipv6 = endpoint instanceof Inet6Address;
    for (BindAddress source : sources) {
      if ((source.ip() instanceof Inet6Address) == ipv6) {
        return Optional.of(source);
      }
    }
    return Optional.of(sources.get(0));
  }

  public boolean isEmpty() {
    return sources.isEmpty();
  }
}
