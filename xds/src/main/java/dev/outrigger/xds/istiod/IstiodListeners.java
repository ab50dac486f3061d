package dev.outrigger.xds.istiod;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.config.route.v3.Decorator;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.listener.http_inspector.v3.HttpInspector;
import io.envoyproxy.envoy.extensions.filters.listener.original_dst.v3.OriginalDst;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import java.util.List;

/**
 * The capture listeners istiod sends a sidecar and the inbound chains of its ports
 * (pilot/pkg/networking/core listener_builder.go, listener_inbound.go, filterchain_options.go).
 */
public final class IstiodListeners {
  /** The capture listeners' names and ports (pilot/pkg/model/listener.go). */
  public static final String VIRTUAL_OUTBOUND = "virtualOutbound";
  public static final int OUTBOUND_CAPTURE_PORT = 15001;
  public static final String VIRTUAL_INBOUND = "virtualInbound";
  public static final int INBOUND_CAPTURE_PORT = 15006;
  /** xdsfilters.TLSTransportProtocol / RawBufferTransportProtocol: what an inbound chain matches. */
  public static final String TLS = "tls";
  public static final String RAW_BUFFER = "raw_buffer";

  private IstiodListeners() {}

  /**
   * buildVirtualOutboundListener and buildOutboundCatchAllNetworkFilterChains: 0.0.0.0:15001,
   * use_original_dst, a blackhole chain for connections addressed to 15001 itself, then the
   * catch-all TCP chain to PassthroughCluster (ALLOW_ANY) or BlackHoleCluster (REGISTRY_ONLY).
   */
  public static Listener virtualOutbound(String catchAllCluster) {
    return Listener.newBuilder()
        .setName(VIRTUAL_OUTBOUND)
        .setAddress(Protos.address("0.0.0.0", OUTBOUND_CAPTURE_PORT))
        .setUseOriginalDst(BoolValue.of(true))
        .setTrafficDirection(TrafficDirection.OUTBOUND)
        .addFilterChains(FilterChain.newBuilder()
            .setName("virtualOutbound-blackhole")
            .setFilterChainMatch(destinationPort(OUTBOUND_CAPTURE_PORT))
            .addFilters(IstiodFilters.istioStats("CLIENT"))
            .addFilters(IstiodFilters.tcpProxy(IstiodNames.BLACK_HOLE_CLUSTER)))
        .addFilterChains(FilterChain.newBuilder()
            .setName("virtualOutbound-catchall-tcp")
            .addFilters(IstiodFilters.istioStats("CLIENT"))
            .addFilters(IstiodFilters.tcpProxy(catchAllCluster)))
        .build();
  }

  /**
   * buildInboundListeners: 0.0.0.0:15006, use_original_dst, the original_dst, tls_inspector and
   * http_inspector listener filters; the blackhole chain for connections addressed to 15006
   * itself; the chains of the pod's ports; then the plaintext passthrough chain for other ports.
   */
  public static Listener virtualInbound(List<FilterChain> portChains) {
    return Listener.newBuilder()
        .setName(VIRTUAL_INBOUND)
        .setAddress(Protos.address("0.0.0.0", INBOUND_CAPTURE_PORT))
        .setUseOriginalDst(BoolValue.of(true))
        .setTrafficDirection(TrafficDirection.INBOUND)
        .setContinueOnListenerFiltersTimeout(true)
        .addListenerFilters(ListenerFilter.newBuilder().setName("envoy.filters.listener.original_dst")
            .setTypedConfig(Any.pack(OriginalDst.getDefaultInstance())))
        .addListenerFilters(ListenerFilter.newBuilder().setName("envoy.filters.listener.tls_inspector")
            .setTypedConfig(Any.pack(TlsInspector.getDefaultInstance())))
        .addListenerFilters(ListenerFilter.newBuilder().setName("envoy.filters.listener.http_inspector")
            .setTypedConfig(Any.pack(HttpInspector.getDefaultInstance())))
        .addFilterChains(FilterChain.newBuilder()
            .setName("virtualInbound-blackhole")
            .setFilterChainMatch(destinationPort(INBOUND_CAPTURE_PORT))
            .addFilters(IstiodFilters.tcpProxy(IstiodNames.BLACK_HOLE_CLUSTER)))
        .addAllFilterChains(portChains)
        .addFilterChains(FilterChain.newBuilder()
            .setName(VIRTUAL_INBOUND)
            .addFilters(IstiodFilters.istioStats("SERVER"))
            .addFilters(IstiodFilters.tcpProxy(IstiodNames.INBOUND_PASSTHROUGH_CLUSTER)))
        .build();
  }

  /**
   * One chain of an inbound port, "0.0.0.0_&lt;port&gt;", matching the port, the transport
   * protocol ({@link #TLS} or {@link #RAW_BUFFER}) and the ALPNs given (none: any), with the
   * filters given; it terminates nothing (see {@link #terminatingTls}).
   */
  public static FilterChain inboundChain(int port, String transport, List<String> alpn, List<Filter> filters) {
    return FilterChain.newBuilder()
        .setName("0.0.0.0_" + port)
        .setFilterChainMatch(destinationPort(port).toBuilder()
            .setTransportProtocol(transport)
            .addAllApplicationProtocols(alpn))
        .addAllFilters(filters)
        .build();
  }

  /** The chain terminating mTLS with the context given (transport socket "envoy.transport_sockets.tls"). */
  public static FilterChain terminatingTls(FilterChain chain, DownstreamTlsContext tls) {
    return chain.toBuilder().setTransportSocket(TransportSocket.newBuilder().setName("envoy.transport_sockets.tls")
        .setTypedConfig(Any.pack(tls))).build();
  }

  /**
   * listener_inbound.go buildInboundHCM: stat prefix "inbound_0.0.0.0_&lt;port&gt;", an inline route
   * config "inbound|&lt;port&gt;||" with one "*" virtual host routing everything to the inbound
   * cluster (route "default", timeout 0s, a decorator naming the service's host), Istio's SERVER
   * stats and the router, XFCC APPEND_FORWARD with the peer's Subject, URI and DNS,
   * use_remote_address false.
   */
  public static Filter inboundHttpConnectionManager(int port, String host) {
    String cluster = IstiodNames.inboundCluster(port);
    RouteConfiguration routes = RouteConfiguration.newBuilder()
        .setName(cluster)
        .addVirtualHosts(VirtualHost.newBuilder()
            .setName("inbound|http|" + port)
            .addDomains("*")
            .addRoutes(Route.newBuilder()
                .setName("default")
                .setMatch(IstiodRoutes.prefix("/"))
                .setRoute(RouteAction.newBuilder().setCluster(cluster).setTimeout(Protos.NO_TIMEOUT))
                .setDecorator(IstiodRoutes.decorator(host, port))))
        .setValidateClusters(BoolValue.of(false))
        .build();
    return IstiodFilters.httpConnectionManager(HttpConnectionManager.newBuilder()
        .setStatPrefix("inbound_0.0.0.0_" + port)
        .setCodecType(HttpConnectionManager.CodecType.AUTO)
        .setRouteConfig(routes)
        .addHttpFilters(IstiodFilters.istioStatsHttp("SERVER"))
        .addHttpFilters(IstiodFilters.router())
        .setUseRemoteAddress(BoolValue.of(false))
        .setForwardClientCertDetails(HttpConnectionManager.ForwardClientCertDetails.APPEND_FORWARD)
        .setSetCurrentClientCertDetails(HttpConnectionManager.SetCurrentClientCertDetails.newBuilder()
            .setSubject(BoolValue.of(true)).setUri(true).setDns(true))
        .setNormalizePath(BoolValue.of(true))
        .setStreamIdleTimeout(Protos.NO_TIMEOUT)
        .build());
  }

  private static FilterChainMatch destinationPort(int port) {
    return FilterChainMatch.newBuilder().setDestinationPort(UInt32Value.of(port)).build();
  }
}
