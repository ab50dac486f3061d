package dev.outrigger.xds.ingress;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.Duration;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.BindConfig;
import io.envoyproxy.envoy.config.core.v3.Pipe;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;

/**
 * What istiod sends a sidecar for a Sidecar resource's {@code ingress} entry (istio/istio
 * 86c9f01f, pilot/pkg/networking/core): a filter chain of virtualInbound for the port
 * (listener_inbound.go buildInboundChainConfigs: cluster "inbound|PORT||") and the cluster
 * (cluster.go buildInboundClustersFromSidecar, cluster_builder.go buildInboundCluster):
 * <ul>
 *   <li>no defaultEndpoint: ORIGINAL_DST, CLUSTER_PROVIDED, upstream bind 127.0.0.6;</li>
 *   <li>{@code 127.0.0.1:P} (or {@code [::1]:P}): STATIC, one endpoint 127.0.0.1:P, no upstream bind
 *       (buildInboundCluster binds 127.0.0.6 only when the endpoint is not localhost);</li>
 *   <li>{@code 0.0.0.0:P} (or {@code [::]:P}): STATIC, one endpoint at the proxy's first IPv4 (IPv6)
 *       address, upstream bind 127.0.0.6;</li>
 *   <li>{@code unix:///path}: STATIC, one endpoint with a pipe address, upstream bind 127.0.0.6.</li>
 * </ul>
 * Only the fields that decide where a connection goes are kept (no stats, metadata, access logs).
 */
public final class IstiodSidecarIngress {
  /** MeshConfig connectTimeout default. */
  private static final Duration CONNECT_TIMEOUT = Duration.newBuilder().setSeconds(10).build();
  public static final String PASSTHROUGH_BIND = "127.0.0.6";

  private IstiodSidecarIngress() {}

  /** model.BuildInboundSubsetKey. */
  public static String clusterName(int port) {
    return "inbound|" + port + "||";
  }

  /** No defaultEndpoint: the connection's own destination, from 127.0.0.6. */
  public static Cluster originalDstCluster(int port) {
    return Cluster.newBuilder().setName(clusterName(port)).setType(Cluster.DiscoveryType.ORIGINAL_DST)
        .setConnectTimeout(CONNECT_TIMEOUT).setLbPolicy(Cluster.LbPolicy.CLUSTER_PROVIDED)
        .setCleanupInterval(Duration.newBuilder().setSeconds(315537897598L))
        .setUpstreamBindConfig(bind(PASSTHROUGH_BIND))
        .build();
  }

  /**
   * A defaultEndpoint with an IP: {@code endpointIp} is what istiod resolved it to (127.0.0.1 for
   * 127.0.0.1, the pod IP for 0.0.0.0); bound to 127.0.0.6 unless it is localhost.
   */
  public static Cluster staticCluster(int port, String endpointIp, int endpointPort) {
    Cluster.Builder c = staticCluster(port, Address.newBuilder()
        .setSocketAddress(SocketAddress.newBuilder().setAddress(endpointIp).setPortValue(endpointPort)).build());
    if (!endpointIp.equals("127.0.0.1") && !endpointIp.equals("::1")) {
      c.setUpstreamBindConfig(bind(PASSTHROUGH_BIND));
    }
    return c.build();
  }

  /** {@code defaultEndpoint: unix:///path}: util.BuildAddress makes a pipe; bound to 127.0.0.6 all the same. */
  public static Cluster unixSocketCluster(int port, String path) {
    return staticCluster(port, Address.newBuilder().setPipe(Pipe.newBuilder().setPath(path)).build())
        .setUpstreamBindConfig(bind(PASSTHROUGH_BIND)).build();
  }

  private static Cluster.Builder staticCluster(int port, Address endpoint) {
    // buildInboundLocalityLbEndpoints: one locality, one endpoint, no weights or metadata.
    return Cluster.newBuilder().setName(clusterName(port)).setType(Cluster.DiscoveryType.STATIC)
        .setConnectTimeout(CONNECT_TIMEOUT).setLbPolicy(Cluster.LbPolicy.LEAST_REQUEST)
        .setLoadAssignment(ClusterLoadAssignment.newBuilder().setClusterName(clusterName(port))
            .addEndpoints(LocalityLbEndpoints.newBuilder().addLbEndpoints(LbEndpoint.newBuilder()
                .setEndpoint(Endpoint.newBuilder().setAddress(endpoint)))));
  }

  private static BindConfig bind(String ip) {
    return BindConfig.newBuilder().setSourceAddress(SocketAddress.newBuilder().setAddress(ip).setPortValue(0)).build();
  }

  /**
   * virtualInbound with a plaintext chain per ingress port (PeerAuthentication DISABLE:
   * filterchain_options.go has one raw_buffer chain per port): TCP ports get tcp_proxy to
   * inbound|PORT||, HTTP ports an HTTP connection manager whose inline route config sends every
   * request there (httproute.go BuildSidecarInboundHTTPRouteConfig: virtual host
   * "inbound|http|PORT", domain "*", route "default", timeout 0s).
   */
  public static Listener virtualInbound(int tcpPort, int httpPort) {
    return Listener.newBuilder()
        .setName("virtualInbound")
        .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress("0.0.0.0").setPortValue(15006)))
        .setUseOriginalDst(BoolValue.of(true))
        .setTrafficDirection(TrafficDirection.INBOUND)
        .addFilterChains(FilterChain.newBuilder().setName("virtualInbound-blackhole")
            .setFilterChainMatch(FilterChainMatch.newBuilder().setDestinationPort(UInt32Value.of(15006)))
            .addFilters(tcpProxy("BlackHoleCluster")))
        .addFilterChains(FilterChain.newBuilder().setName("0.0.0.0_" + tcpPort)
            .setFilterChainMatch(FilterChainMatch.newBuilder().setDestinationPort(UInt32Value.of(tcpPort))
                .setTransportProtocol("raw_buffer"))
            .addFilters(tcpProxy(clusterName(tcpPort))))
        .addFilterChains(FilterChain.newBuilder().setName("0.0.0.0_" + httpPort)
            .setFilterChainMatch(FilterChainMatch.newBuilder().setDestinationPort(UInt32Value.of(httpPort))
                .setTransportProtocol("raw_buffer"))
            .addFilters(httpConnectionManager(httpPort)))
        .addFilterChains(FilterChain.newBuilder().setName("virtualInbound")
            .addFilters(tcpProxy("InboundPassthroughCluster")))
        .build();
  }

  private static Filter tcpProxy(String cluster) {
    return Filter.newBuilder().setName("envoy.filters.network.tcp_proxy")
        .setTypedConfig(Any.pack(TcpProxy.newBuilder().setStatPrefix(cluster).setCluster(cluster).build())).build();
  }

  private static Filter httpConnectionManager(int port) {
    RouteConfiguration routes = RouteConfiguration.newBuilder().setName(clusterName(port))
        .addVirtualHosts(VirtualHost.newBuilder().setName("inbound|http|" + port).addDomains("*")
            .addRoutes(Route.newBuilder().setName("default")
                .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                .setRoute(RouteAction.newBuilder().setCluster(clusterName(port))
                    .setTimeout(Duration.getDefaultInstance()))))
        .setValidateClusters(BoolValue.of(false))
        .build();
    HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
        .setStatPrefix("inbound_0.0.0.0_" + port)
        .setRouteConfig(routes)
        .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.router")
            .setTypedConfig(Any.pack(Router.getDefaultInstance())))
        .build();
    return Filter.newBuilder().setName("envoy.filters.network.http_connection_manager")
        .setTypedConfig(Any.pack(hcm)).build();
  }
}
