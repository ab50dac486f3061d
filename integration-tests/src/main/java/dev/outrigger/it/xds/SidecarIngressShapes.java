package dev.outrigger.it.xds;

import com.google.protobuf.Duration;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.BindConfig;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;

/**
 * The inbound cluster istiod sends for a Sidecar resource's {@code ingress} entry with a
 * {@code defaultEndpoint} (istio/istio 86c9f01f, pilot/pkg/networking/core/cluster.go
 * buildInboundClustersFromSidecar, cluster_builder.go buildInboundCluster): "inbound|PORT||",
 * STATIC with one endpoint instead of ORIGINAL_DST. {@code 127.0.0.1:P} becomes the endpoint
 * 127.0.0.1:P with no upstream bind; {@code 0.0.0.0:P} becomes the proxy's own IPv4 address :P
 * bound to 127.0.0.6, so iptables does not capture the proxy's connection back to 15006.
 * The listener side is the port's ordinary inbound chain ({@link IstioMtlsShapes#inboundChains}).
 */
public final class SidecarIngressShapes {
  /** MeshConfig connectTimeout default. */
  private static final Duration CONNECT_TIMEOUT = Duration.newBuilder().setSeconds(10).build();

  private SidecarIngressShapes() {}

  /**
   * @param endpointIp what istiod resolved the defaultEndpoint's host to: 127.0.0.1, or the pod IP for 0.0.0.0
   */
  public static Cluster defaultEndpointCluster(int port, String endpointIp, int endpointPort) {
    String name = IstioMtlsShapes.inboundCluster(port);
    Cluster.Builder c = Cluster.newBuilder().setName(name).setType(Cluster.DiscoveryType.STATIC)
        .setConnectTimeout(CONNECT_TIMEOUT).setLbPolicy(Cluster.LbPolicy.LEAST_REQUEST)
        .setLoadAssignment(ClusterLoadAssignment.newBuilder().setClusterName(name)
            .addEndpoints(LocalityLbEndpoints.newBuilder().addLbEndpoints(LbEndpoint.newBuilder()
                .setEndpoint(Endpoint.newBuilder().setAddress(Address.newBuilder().setSocketAddress(
                    SocketAddress.newBuilder().setAddress(endpointIp).setPortValue(endpointPort)))))));
    if (!endpointIp.equals("127.0.0.1") && !endpointIp.equals("::1")) {
      c.setUpstreamBindConfig(BindConfig.newBuilder().setSourceAddress(
          SocketAddress.newBuilder().setAddress("127.0.0.6").setPortValue(0)));
    }
    return c.build();
  }
}
