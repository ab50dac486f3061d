package dev.outrigger.core.inbound;

import dev.outrigger.core.cluster.ClusterSpec;
import dev.outrigger.core.cluster.Endpoint;
import dev.outrigger.core.config.MeshConfig;
import java.util.Optional;

/**
 * What istiod's inbound clusters say about a port. A Sidecar resource's {@code ingress} entry with
 * {@code defaultEndpoint: 127.0.0.1:PORT} becomes the cluster {@code inbound|<port>||} of type
 * STATIC with the endpoint 127.0.0.1:PORT (istio pilot/pkg/networking/core cluster.go
 * buildInboundClustersFromSidecar), so that port reaches an app on lo whatever the inbound mode:
 * the same fix as {@link LocalhostInboundPorts}, made in Istio's configuration.
 */
public final class SidecarIngressEndpoints {
  private SidecarIngressEndpoints() {}

  /** Whether istiod's inbound cluster for {@code port} sends its connections to loopback only. */
  public static boolean forwardsOverLoopback(MeshConfig config, int port) {
    Optional<ClusterSpec> cluster = config.cluster(InboundRouter.cluster(port));
    return cluster.isPresent() && cluster.get().discovery() == ClusterSpec.Discovery.STATIC
        && !cluster.get().endpoints().isEmpty()
        && cluster.get().endpoints().stream().map(Endpoint::address)
            .allMatch(a -> a.getAddress() != null && a.getAddress().isLoopbackAddress());
  }
}
