package dev.outrigger.it.xds;

import com.github.udpa.udpa.type.v1.TypedStruct;
import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.Duration;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.ApiConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.BindConfig;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
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
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.listener.original_dst.v3.OriginalDst;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;
import io.envoyproxy.envoy.extensions.filters.listener.http_inspector.v3.HttpInspector;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.envoyproxy.envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.ArrayList;
import java.util.List;

/**
 * istiod's mTLS shapes, beside {@link IstioShapes}: the inbound filter chains a PeerAuthentication
 * mode produces and the outbound ISTIO_MUTUAL transport socket of auto mTLS. Read from istio/istio
 * (pilot/pkg/networking/core/filterchain_options.go for which chains a mode has;
 * pilot/pkg/security/authn and pilot/pkg/networking/core/cluster_tls.go for the TLS contexts) and
 * checked against a real sidecar's config dump (xds/src/test/resources/istiod, Istio 1.18): the
 * DownstreamTlsContext of its virtualInbound chains and the UpstreamTlsContext of its clusters
 * are reproduced field for field below.
 */
public final class IstioMtlsShapes {
  /** model.IstioMutualTLSModeLabel / the endpoint metadata key Envoy's transport_socket_matches reads. */
  public static final String TLS_MODE_ISTIO = "istio";
  /** xdsfilters.TLSTransportProtocol / RawBufferTransportProtocol. */
  public static final String TLS = "tls";
  public static final String RAW_BUFFER = "raw_buffer";
  /** filterchain_options.go mtlsHTTPALPNs. */
  public static final List<String> MTLS_HTTP_ALPNS = List.of("istio-http/1.0", "istio-http/1.1", "istio-h2");
  /** allIstioMtlsALPNs: what a PERMISSIVE port's TLS chain matches. */
  public static final List<String> ALL_ISTIO_MTLS_ALPNS =
      List.of("istio", "istio-peer-exchange", "istio-http/1.0", "istio-http/1.1", "istio-h2");
  /** The ALPN an outbound ISTIO_MUTUAL cluster offers (util.ALPNInMeshWithMxc). */
  public static final List<String> ALPN_IN_MESH_WITH_MXC = List.of("istio-peer-exchange", "istio");
  /** The SDS names of the workload certificate and the mesh root (pilot/pkg/model/authentication.go). */
  public static final String SDS_DEFAULT = "default";
  public static final String SDS_ROOTCA = "ROOTCA";
  private static final Duration NO_TIMEOUT = Duration.getDefaultInstance();
  private static final Duration CONNECT_TIMEOUT = Duration.newBuilder().setSeconds(10).build();
  /** security.go SupportedCiphers as the dump shows them on the inbound contexts. */
  private static final List<String> INBOUND_CIPHERS = List.of(
      "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-ECDSA-AES128-GCM-SHA256",
      "ECDHE-RSA-AES128-GCM-SHA256", "AES256-GCM-SHA384", "AES128-GCM-SHA256");

  /** PeerAuthentication mtls.mode as istiod applies it to an inbound port. */
  public enum PeerAuthentication { STRICT, PERMISSIVE, DISABLE }

  /** What a Service port declares (networking.ListenerProtocol): an HTTP connection manager or tcp_proxy. */
  public enum PortProtocol { HTTP, TCP }

  private IstioMtlsShapes() {}

  // ---- outbound: auto mTLS ------------------------------------------------------------------

  /**
   * "outbound_.8080_._.httpbin.default.svc.cluster.local" (model.BuildDNSSrvSubsetKey: direction,
   * port, subset and host joined by "_.", so no subset leaves "_._."; the SNI an ISTIO_MUTUAL cluster
   * sends, compare "outbound_.9080_.v1_.productpage..." in the dump).
   */
  public static String outboundSni(int port, String subset, String service) {
    return "outbound_." + port + "_." + subset + "_." + IstioShapes.host(service);
  }

  /**
   * An outbound EDS cluster with auto mTLS as cluster_builder.go applies it (buildAutoMtlsSettings
   * with ISTIO_MUTUAL): transport_socket_matches "tlsMode-istio" (match {tlsMode: istio}, an
   * UpstreamTlsContext with the SNI, ALPN [istio-peer-exchange, istio], the "default" SDS
   * certificate and a combined validation context of the service accounts' SPIFFE ids plus SDS
   * "ROOTCA") then "tlsMode-disabled" (match {}, raw_buffer) for endpoints without a sidecar.
   */
  public static Cluster istioMutualCluster(int port, String subset, String service, List<String> serviceAccountIds) {
    String name = IstioShapes.outboundCluster(port, subset, service);
    return IstioShapes.edsCluster(name, service).toBuilder()
        .addTransportSocketMatches(Cluster.TransportSocketMatch.newBuilder()
            .setName("tlsMode-istio")
            .setMatch(Struct.newBuilder().putFields("tlsMode", text(TLS_MODE_ISTIO)))
            .setTransportSocket(TransportSocket.newBuilder().setName("envoy.transport_sockets.tls")
                .setTypedConfig(Any.pack(upstreamTlsContext(outboundSni(port, subset, service), serviceAccountIds)))))
        .addTransportSocketMatches(Cluster.TransportSocketMatch.newBuilder()
            .setName("tlsMode-disabled")
            .setMatch(Struct.getDefaultInstance())
            .setTransportSocket(rawBuffer()))
        .build();
  }

  /**
   * The same service with a DestinationRule {@code trafficPolicy.tls.mode: DISABLE}: istiod sends
   * the plain EDS cluster, without transport_socket_matches, so the sidecar speaks plaintext even
   * to endpoints labelled tlsMode=istio (seed 003's pitfall when the server is STRICT).
   */
  public static Cluster tlsDisabledCluster(int port, String service) {
    return IstioShapes.edsCluster(IstioShapes.outboundCluster(port, "", service), service);
  }

  /** cluster_tls.go buildIstioMutualTLS as the dump prints it. */
  public static UpstreamTlsContext upstreamTlsContext(String sni, List<String> serviceAccountIds) {
    CertificateValidationContext.Builder sans = CertificateValidationContext.newBuilder();
    serviceAccountIds.forEach(id -> sans.addMatchSubjectAltNames(StringMatcher.newBuilder().setExact(id)));
    return UpstreamTlsContext.newBuilder()
        .setCommonTlsContext(CommonTlsContext.newBuilder()
            .setTlsParams(TlsParameters.newBuilder()
                .setTlsMinimumProtocolVersion(TlsParameters.TlsProtocol.TLSv1_2)
                .setTlsMaximumProtocolVersion(TlsParameters.TlsProtocol.TLSv1_3))
            .addAllAlpnProtocols(ALPN_IN_MESH_WITH_MXC)
            .addTlsCertificateSdsSecretConfigs(sds(SDS_DEFAULT))
            .setCombinedValidationContext(CommonTlsContext.CombinedCertificateValidationContext.newBuilder()
                .setDefaultValidationContext(sans)
                .setValidationContextSdsSecretConfig(sds(SDS_ROOTCA))))
        .setSni(sni)
        .build();
  }

  /**
   * Endpoints of a meshed workload: as {@link IstioShapes#endpoints} plus the metadata istiod adds
   * for a pod labelled security.istio.io/tlsMode=istio (util.go AppendLbEndpointMetadata:
   * filter_metadata "envoy.transport_socket_match" {tlsMode: istio}), which selects the cluster's
   * tlsMode-istio transport socket.
   */
  public static ClusterLoadAssignment meshedEndpoints(String clusterName, List<IstioShapes.Workload> workloads) {
    ClusterLoadAssignment plain = IstioShapes.endpoints(clusterName, workloads);
    ClusterLoadAssignment.Builder cla = plain.toBuilder().clearEndpoints();
    for (LocalityLbEndpoints locality : plain.getEndpointsList()) {
      LocalityLbEndpoints.Builder meshed = locality.toBuilder().clearLbEndpoints();
      for (LbEndpoint endpoint : locality.getLbEndpointsList()) {
        Metadata metadata = endpoint.getMetadata().toBuilder()
            .putFilterMetadata("envoy.transport_socket_match",
                Struct.newBuilder().putFields("tlsMode", text(TLS_MODE_ISTIO)).build())
            .build();
        meshed.addLbEndpoints(endpoint.toBuilder().setMetadata(metadata));
      }
      cla.addEndpoints(meshed);
    }
    return cla.build();
  }

  /**
   * The outbound listener istiod builds for a TCP Service port ("10.96.0.41_9000",
   * listener.go buildSidecarOutboundListener for a non-HTTP port): the VIP and port, bind_to_port
   * false, one chain with tcp_proxy to the service's cluster (compare 10.96.0.10_53 in the dump).
   */
  public static Listener tcpOutboundListener(String vip, int port, String cluster) {
    return Listener.newBuilder()
        .setName(vip + "_" + port)
        .setAddress(address(vip, port))
        .setBindToPort(BoolValue.of(false))
        .setTrafficDirection(TrafficDirection.OUTBOUND)
        .addFilterChains(FilterChain.newBuilder()
            .addFilters(istioStats("CLIENT"))
            .addFilters(tcpProxy(cluster)))
        .build();
  }

  // ---- inbound: PeerAuthentication ----------------------------------------------------------

  /** "inbound|8080||": the cluster an inbound port's chain forwards to (model.BuildInboundSubsetKey). */
  public static String inboundCluster(int port) {
    return "inbound|" + port + "||";
  }

  /**
   * cluster_builder.go buildInboundClusterForPortOrUDS for a sidecar in the default (preserve
   * original source) mode: ORIGINAL_DST, CLUSTER_PROVIDED, bound to 127.0.0.6.
   */
  public static Cluster inboundPortCluster(int port) {
    return Cluster.newBuilder().setName(inboundCluster(port)).setType(Cluster.DiscoveryType.ORIGINAL_DST)
        .setConnectTimeout(CONNECT_TIMEOUT).setLbPolicy(Cluster.LbPolicy.CLUSTER_PROVIDED)
        .setUpstreamBindConfig(BindConfig.newBuilder().setSourceAddress(
            SocketAddress.newBuilder().setAddress("127.0.0.6").setPortValue(0)))
        .build();
  }

  /** One inbound Service port of this pod and the PeerAuthentication mode that applies to it. */
  public record InboundPort(int port, PortProtocol protocol, PeerAuthentication mode, String service) {}

  /**
   * virtualInbound (listener_builder.go buildInboundListeners / listener_inbound.go) with the
   * given ports: original_dst, tls_inspector and http_inspector listener filters; the 15006
   * blackhole chain; for each port the chains its mode has (filterchain_options.go
   * getFilterChainMatchOptions); then the plaintext passthrough chain for other ports.
   */
  public static Listener virtualInbound(List<InboundPort> ports) {
    Listener.Builder listener = Listener.newBuilder()
        .setName(IstioShapes.VIRTUAL_INBOUND)
        .setAddress(address("0.0.0.0", IstioShapes.INBOUND_CAPTURE_PORT))
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
            .setFilterChainMatch(FilterChainMatch.newBuilder().setDestinationPort(UInt32Value.of(IstioShapes.INBOUND_CAPTURE_PORT)))
            .addFilters(tcpProxy(IstioShapes.BLACK_HOLE_CLUSTER)));
    for (InboundPort port : ports) {
      listener.addAllFilterChains(inboundChains(port));
    }
    listener.addFilterChains(FilterChain.newBuilder()
        .setName("virtualInbound")
        .addFilters(istioStats("SERVER"))
        .addFilters(tcpProxy(IstioShapes.INBOUND_PASSTHROUGH_CLUSTER)));
    return listener.build();
  }

  /**
   * The chains of one port, named "0.0.0.0_&lt;port&gt;", in filterchain_options.go's order:
   * <pre>
   * STRICT     HTTP: tls -&gt; TLS + HCM                 TCP: tls -&gt; TLS + tcp_proxy
   * PERMISSIVE HTTP: tls + allIstioMtlsALPNs -&gt; TLS + HCM; raw_buffer -&gt; HCM
   *            TCP:  tls + allIstioMtlsALPNs -&gt; TLS + tcp_proxy; raw_buffer -&gt; tcp_proxy; tls -&gt; tcp_proxy
   * DISABLE    HTTP: raw_buffer -&gt; HCM                TCP: raw_buffer -&gt; tcp_proxy
   * </pre>
   * STRICT has no raw_buffer chain for the port, so a plaintext connection matches nothing and is
   * closed (Envoy: no filter chain match).
   */
  public static List<FilterChain> inboundChains(InboundPort port) {
    List<FilterChain> chains = new ArrayList<>();
    boolean http = port.protocol() == PortProtocol.HTTP;
    switch (port.mode()) {
      case STRICT -> chains.add(chain(port, TLS, List.of(), true));
      case PERMISSIVE -> {
        chains.add(chain(port, TLS, ALL_ISTIO_MTLS_ALPNS, true));
        chains.add(chain(port, RAW_BUFFER, List.of(), false));
        if (!http) {
          chains.add(chain(port, TLS, List.of(), false));
        }
      }
      case DISABLE -> chains.add(chain(port, RAW_BUFFER, List.of(), false));
    }
    return chains;
  }

  private static FilterChain chain(InboundPort port, String transport, List<String> alpn, boolean terminateTls) {
    FilterChain.Builder chain = FilterChain.newBuilder()
        .setName("0.0.0.0_" + port.port())
        .setFilterChainMatch(FilterChainMatch.newBuilder()
            .setDestinationPort(UInt32Value.of(port.port()))
            .setTransportProtocol(transport)
            .addAllApplicationProtocols(alpn));
    if (terminateTls) {
      chain.setTransportSocket(TransportSocket.newBuilder().setName("envoy.transport_sockets.tls")
          .setTypedConfig(Any.pack(downstreamTlsContext(port.protocol()))));
    }
    if (port.protocol() == PortProtocol.HTTP) {
      chain.addFilters(inboundHttpConnectionManager(port));
    } else {
      chain.addFilters(istioStats("SERVER")).addFilters(tcpProxy(inboundCluster(port.port())));
    }
    return chain.build();
  }

  /**
   * authn MTLSSettings.HTTP / .TCP (pilot/pkg/security/authn/utils.go BuildInboundTLS): TLS 1.2-1.3
   * with Istio's ciphers, ALPN [h2, http/1.1] for HTTP and [istio-peer-exchange, h2, http/1.1] for
   * TCP, the "default" certificate, the ROOTCA validation with the trust domain prefix
   * "spiffe://cluster.local/", and a client certificate required.
   */
  public static DownstreamTlsContext downstreamTlsContext(PortProtocol protocol) {
    List<String> alpn = protocol == PortProtocol.HTTP ? List.of("h2", "http/1.1")
        : List.of("istio-peer-exchange", "h2", "http/1.1");
    return DownstreamTlsContext.newBuilder()
        .setCommonTlsContext(CommonTlsContext.newBuilder()
            .setTlsParams(TlsParameters.newBuilder()
                .setTlsMinimumProtocolVersion(TlsParameters.TlsProtocol.TLSv1_2)
                .setTlsMaximumProtocolVersion(TlsParameters.TlsProtocol.TLSv1_3)
                .addAllCipherSuites(INBOUND_CIPHERS))
            .addAllAlpnProtocols(alpn)
            .addTlsCertificateSdsSecretConfigs(sds(SDS_DEFAULT))
            .setCombinedValidationContext(CommonTlsContext.CombinedCertificateValidationContext.newBuilder()
                .setDefaultValidationContext(CertificateValidationContext.newBuilder()
                    .addMatchSubjectAltNames(StringMatcher.newBuilder().setPrefix("spiffe://cluster.local/")))
                .setValidationContextSdsSecretConfig(sds(SDS_ROOTCA))))
        .setRequireClientCertificate(BoolValue.of(true))
        .build();
  }

  /**
   * The inbound HTTP connection manager (listener_inbound.go buildInboundHCM): stat prefix
   * "inbound_0.0.0.0_&lt;port&gt;", an inline route config "inbound|&lt;port&gt;||" with one
   * "*" virtual host routing everything to the inbound cluster (timeout 0s, route "default"),
   * XFCC APPEND_FORWARD with Subject, URI and DNS of the peer (forward_client_cert_details,
   * set_current_client_cert_details), use_remote_address false.
   */
  private static Filter inboundHttpConnectionManager(InboundPort port) {
    String cluster = inboundCluster(port.port());
    RouteConfiguration routes = RouteConfiguration.newBuilder()
        .setName(cluster)
        .addVirtualHosts(VirtualHost.newBuilder()
            .setName("inbound|http|" + port.port())
            .addDomains("*")
            .addRoutes(Route.newBuilder()
                .setName("default")
                .setMatch(IstioShapes.prefix("/"))
                .setRoute(RouteAction.newBuilder().setCluster(cluster).setTimeout(NO_TIMEOUT))
                .setDecorator(Decorator.newBuilder().setOperation(IstioShapes.host(port.service()) + ":" + port.port() + "/*"))))
        .setValidateClusters(BoolValue.of(false))
        .build();
    HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
        .setStatPrefix("inbound_0.0.0.0_" + port.port())
        .setCodecType(HttpConnectionManager.CodecType.AUTO)
        .setRouteConfig(routes)
        .addHttpFilters(HttpFilter.newBuilder().setName("istio.stats").setTypedConfig(Any.pack(TypedStruct.newBuilder()
            .setTypeUrl("type.googleapis.com/stats.PluginConfig")
            .setValue(Struct.newBuilder().putFields("reporter", text("SERVER"))).build())))
        .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.router").setTypedConfig(Any.pack(Router.getDefaultInstance())))
        .setUseRemoteAddress(BoolValue.of(false))
        .setForwardClientCertDetails(HttpConnectionManager.ForwardClientCertDetails.APPEND_FORWARD)
        .setSetCurrentClientCertDetails(HttpConnectionManager.SetCurrentClientCertDetails.newBuilder()
            .setSubject(BoolValue.of(true)).setUri(true).setDns(true))
        .setNormalizePath(BoolValue.of(true))
        .setStreamIdleTimeout(NO_TIMEOUT)
        .build();
    return Filter.newBuilder().setName("envoy.filters.network.http_connection_manager").setTypedConfig(Any.pack(hcm)).build();
  }

  /**
   * The istio.alpn HTTP filter of an outbound HCM (the dump's 0.0.0.0_9080): per upstream
   * protocol, the ALPN list an mTLS upstream connection offers instead of the cluster's
   * (istio-http/1.0, istio-http/1.1, istio-h2, each with "istio" and the plain protocol).
   * Istio's own type, carried as a TypedStruct as the other Istio filters here are.
   */
  public static HttpFilter istioAlpnFilter() {
    return HttpFilter.newBuilder().setName("istio.alpn").setTypedConfig(Any.pack(TypedStruct.newBuilder()
        .setTypeUrl("type.googleapis.com/istio.envoy.config.filter.http.alpn.v2alpha1.FilterConfig")
        .setValue(Struct.newBuilder().putFields("alpn_override", Value.newBuilder().setListValue(ListValue.newBuilder()
            .addValues(alpnOverride(null, "istio-http/1.0", "istio", "http/1.0"))
            .addValues(alpnOverride("HTTP11", "istio-http/1.1", "istio", "http/1.1"))
            .addValues(alpnOverride("HTTP2", "istio-h2", "istio", "h2"))).build()))
        .build())).build();
  }

  private static Value alpnOverride(String upstreamProtocol, String... alpn) {
    ListValue.Builder list = ListValue.newBuilder();
    for (String p : alpn) {
      list.addValues(text(p));
    }
    Struct.Builder entry = Struct.newBuilder();
    if (upstreamProtocol != null) {
      entry.putFields("upstream_protocol", text(upstreamProtocol));
    }
    entry.putFields("alpn_override", Value.newBuilder().setListValue(list).build());
    return Value.newBuilder().setStructValue(entry).build();
  }

  // ---- common -------------------------------------------------------------------------------

  /** An SDS secret from the agent's "sds-grpc" cluster, as every istiod TLS context names its secrets. */
  private static SdsSecretConfig sds(String name) {
    return SdsSecretConfig.newBuilder()
        .setName(name)
        .setSdsConfig(ConfigSource.newBuilder()
            .setApiConfigSource(ApiConfigSource.newBuilder()
                .setApiType(ApiConfigSource.ApiType.GRPC)
                .setSetNodeOnFirstMessageOnly(true)
                .setTransportApiVersion(ApiVersion.V3)
                .addGrpcServices(GrpcService.newBuilder().setEnvoyGrpc(
                    GrpcService.EnvoyGrpc.newBuilder().setClusterName("sds-grpc"))))
            .setInitialFetchTimeout(NO_TIMEOUT)
            .setResourceApiVersion(ApiVersion.V3))
        .build();
  }

  private static TransportSocket rawBuffer() {
    return TransportSocket.newBuilder().setName("envoy.transport_sockets.raw_buffer")
        .setTypedConfig(Any.pack(RawBuffer.getDefaultInstance())).build();
  }

  private static Filter tcpProxy(String cluster) {
    return Filter.newBuilder().setName("envoy.filters.network.tcp_proxy")
        .setTypedConfig(Any.pack(TcpProxy.newBuilder().setStatPrefix(cluster).setCluster(cluster).build()))
        .build();
  }

  private static Filter istioStats(String reporter) {
    return Filter.newBuilder().setName("istio.stats").setTypedConfig(Any.pack(TypedStruct.newBuilder()
        .setTypeUrl("type.googleapis.com/stats.PluginConfig")
        .setValue(Struct.newBuilder().putFields("reporter", text(reporter))).build())).build();
  }

  private static Address address(String ip, int port) {
    return Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress(ip).setPortValue(port)).build();
  }

  private static Value text(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }
}
