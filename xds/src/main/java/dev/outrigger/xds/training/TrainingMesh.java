package dev.outrigger.xds.training;

import com.github.udpa.udpa.type.v1.TypedStruct;
import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.Duration;
import com.google.protobuf.ListValue;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.Value;
import dev.outrigger.xds.ResourceType;
import dev.outrigger.xds.nds.NameTables;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.BindConfig;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.config.route.v3.Decorator;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.listener.http_inspector.v3.HttpInspector;
import io.envoyproxy.envoy.extensions.filters.listener.original_dst.v3.OriginalDst;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate;
import io.envoyproxy.envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The configuration the training control plane ({@link TrainingAdsService}) serves: what istiod
 * sends a sidecar of a one-service mesh, small but of every shape the proxy translates from a
 * real istiod, so that {@code bin/outrigger cds-archive}'s training run loads the classes
 * production loads (Envoy API messages, their descriptors, the translators). The shapes follow
 * istio/istio's pilot/pkg/networking/core as integration-tests' IstioShapes and IstioMtlsShapes
 * (which name the source per shape) build them, condensed:
 * <ul>
 *   <li>CDS: BlackHoleCluster, PassthroughCluster, InboundPassthroughCluster, one outbound EDS
 *       cluster with auto mTLS (transport_socket_matches tlsMode-istio / tlsMode-disabled), and
 *       the inbound cluster of the pod's own port;
 *   <li>EDS: the outbound cluster's endpoints, labelled tlsMode=istio;
 *   <li>LDS: virtualOutbound, the HTTP outbound listener 0.0.0.0_8080 (RDS "8080") and
 *       virtualInbound with a PERMISSIVE HTTP port (a TLS chain and a plaintext one);
 *   <li>RDS: "8080", the service's virtual host (istiod's default retry policy) and the
 *       ALLOW_ANY catch-all;
 *   <li>NDS: a name table with the service (asked for only with DNS capture on).
 * </ul>
 * Addresses are from documentation and service ranges nothing routes: this is configuration only.
 * Immutable.
 */
public final class TrainingMesh {
  /** The version every resource type is sent at; the mesh never changes. */
  public static final String VERSION = "training-1";
  static final String NAMESPACE = "default";
  static final String SERVICE = "app";
  static final String HOST = SERVICE + "." + NAMESPACE + ".svc.cluster.local";
  static final int PORT = 8080;
  static final String VIP = "10.96.0.10";
  static final String OUTBOUND_CLUSTER = "outbound|" + PORT + "||" + HOST;
  static final String INBOUND_CLUSTER = "inbound|" + PORT + "||";
  static final String ROUTE_NAME = String.valueOf(PORT);
  private static final String BLACK_HOLE = "BlackHoleCluster";
  private static final String PASSTHROUGH = "PassthroughCluster";
  private static final String INBOUND_PASSTHROUGH = "InboundPassthroughCluster";
  private static final Duration CONNECT_TIMEOUT = Duration.newBuilder().setSeconds(10).build();
  private static final Duration NO_TIMEOUT = Duration.getDefaultInstance();
  private static final UInt32Value MAX_UINT32 = UInt32Value.of(-1);

  private final Map<ResourceType, Map<String, Message>> resources;

  private TrainingMesh(Map<ResourceType, Map<String, Message>> resources) {
    this.resources = resources;
  }

  /** The one mesh. */
  public static TrainingMesh create() {
    Map<ResourceType, Map<String, Message>> all = new EnumMap<>(ResourceType.class);
    all.put(ResourceType.CLUSTER, byName(List.of(blackHoleCluster(), passthroughCluster(INBOUND_PASSTHROUGH_BIND),
        passthroughCluster(null), outboundCluster(), inboundCluster()), m -> ((Cluster) m).getName()));
    all.put(ResourceType.ENDPOINT, Map.of(OUTBOUND_CLUSTER, endpoints()));
    all.put(ResourceType.LISTENER, byName(List.of(virtualOutbound(), httpOutboundListener(), virtualInbound()),
        m -> ((Listener) m).getName()));
    all.put(ResourceType.ROUTE, Map.of(ROUTE_NAME, routeConfiguration()));
    all.put(ResourceType.NAME_TABLE, Map.of("", NameTables.message(Map.of(HOST,
        new NameTables.NameEntry(List.of(VIP), "Kubernetes", SERVICE, NAMESPACE, List.of())))));
    return new TrainingMesh(all);
  }

  /**
   * The resources of a type to answer a request with (state of the world): all of a wildcard type
   * and the one name table (NDS is asked for with no names), else those named.
   */
  public List<Any> resources(ResourceType type, Set<String> names) {
    Map<String, Message> ofType = resources.getOrDefault(type, Map.of());
    return ofType.entrySet().stream()
        .filter(e -> type.wildcard() || type == ResourceType.NAME_TABLE || names.contains(e.getKey()))
        .map(e -> pack(type, e.getValue()))
        .toList();
  }

  /** The names of a type's resources, for tests. */
  public Set<String> names(ResourceType type) {
    return resources.getOrDefault(type, Map.of()).keySet();
  }

  /** Any.pack takes the message's own type URL; the name table is a DynamicMessage of istiod's type. */
  private static Any pack(ResourceType type, Message m) {
    return Any.newBuilder().setTypeUrl(type.typeUrl()).setValue(m.toByteString()).build();
  }

  private static Map<String, Message> byName(List<Message> messages, Function<Message, String> name) {
    Map<String, Message> out = new LinkedHashMap<>();
    messages.forEach(m -> out.put(name.apply(m), m));
    return Collections.unmodifiableMap(out);
  }

  // ---- CDS ------------------------------------------------------------------------------------

  /** cluster_builder.go buildBlackHoleCluster: STATIC, no endpoints. */
  private static Cluster blackHoleCluster() {
    return Cluster.newBuilder().setName(BLACK_HOLE).setType(Cluster.DiscoveryType.STATIC)
        .setConnectTimeout(CONNECT_TIMEOUT).setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN).build();
  }

  /** The inbound passthrough cluster binds 127.0.0.6 (util.InboundPassthroughBindIpv4). */
  private static final String INBOUND_PASSTHROUGH_BIND = "127.0.0.6";

  /**
   * buildDefaultPassthroughCluster (bind null) and buildInboundPassthroughCluster (bound to
   * 127.0.0.6): ORIGINAL_DST, CLUSTER_PROVIDED.
   */
  private static Cluster passthroughCluster(String bind) {
    Cluster.Builder c = Cluster.newBuilder().setName(bind == null ? PASSTHROUGH : INBOUND_PASSTHROUGH)
        .setType(Cluster.DiscoveryType.ORIGINAL_DST).setConnectTimeout(CONNECT_TIMEOUT)
        .setLbPolicy(Cluster.LbPolicy.CLUSTER_PROVIDED);
    if (bind != null) {
      c.setUpstreamBindConfig(BindConfig.newBuilder().setSourceAddress(socketAddress(bind, 0)));
    }
    return c.build();
  }

  /**
   * An outbound EDS cluster with auto mTLS (cluster_builder.go, buildAutoMtlsSettings): EDS over
   * ADS, LEAST_REQUEST, circuit breakers at max uint32, the istio "services" metadata, and
   * transport_socket_matches: tlsMode-istio (ISTIO_MUTUAL's UpstreamTlsContext) then
   * tlsMode-disabled (raw_buffer).
   */
  private static Cluster outboundCluster() {
    UpstreamTlsContext mtls = UpstreamTlsContext.newBuilder()
        .setCommonTlsContext(commonTlsContext(List.of("istio-peer-exchange", "istio"),
            StringMatcher.newBuilder().setExact("spiffe://cluster.local/ns/" + NAMESPACE + "/sa/" + SERVICE)))
        .setSni("outbound_." + PORT + "_._." + HOST)
        .build();
    return Cluster.newBuilder()
        .setName(OUTBOUND_CLUSTER)
        .setType(Cluster.DiscoveryType.EDS)
        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(adsConfigSource())
            .setServiceName(OUTBOUND_CLUSTER))
        .setConnectTimeout(CONNECT_TIMEOUT)
        .setLbPolicy(Cluster.LbPolicy.LEAST_REQUEST)
        .setCircuitBreakers(CircuitBreakers.newBuilder().addThresholds(CircuitBreakers.Thresholds.newBuilder()
            .setMaxConnections(MAX_UINT32).setMaxPendingRequests(MAX_UINT32)
            .setMaxRequests(MAX_UINT32).setMaxRetries(MAX_UINT32).setTrackRemaining(true)))
        .setCommonLbConfig(Cluster.CommonLbConfig.getDefaultInstance())
        .setMetadata(Metadata.newBuilder().putFilterMetadata("istio", Struct.newBuilder()
            .putFields("services", Value.newBuilder().setListValue(ListValue.newBuilder()
                .addValues(Value.newBuilder().setStructValue(Struct.newBuilder()
                    .putFields("host", text(HOST)).putFields("name", text(SERVICE))
                    .putFields("namespace", text(NAMESPACE))))).build())
            .build()))
        .addTransportSocketMatches(Cluster.TransportSocketMatch.newBuilder()
            .setName("tlsMode-istio")
            .setMatch(Struct.newBuilder().putFields("tlsMode", text("istio")))
            .setTransportSocket(TransportSocket.newBuilder().setName("envoy.transport_sockets.tls")
                .setTypedConfig(Any.pack(mtls))))
        .addTransportSocketMatches(Cluster.TransportSocketMatch.newBuilder()
            .setName("tlsMode-disabled")
            .setMatch(Struct.getDefaultInstance())
            .setTransportSocket(TransportSocket.newBuilder().setName("envoy.transport_sockets.raw_buffer")
                .setTypedConfig(Any.pack(RawBuffer.getDefaultInstance()))))
        .build();
  }

  /** buildInboundClusterForPortOrUDS (preserve original source): ORIGINAL_DST bound to 127.0.0.6. */
  private static Cluster inboundCluster() {
    return passthroughCluster(INBOUND_PASSTHROUGH_BIND).toBuilder().setName(INBOUND_CLUSTER).build();
  }

  // ---- EDS ------------------------------------------------------------------------------------

  /**
   * Two endpoints in one locality, HEALTHY, weight 1, with the istio "workload" metadata and
   * tlsMode=istio (util.go AppendLbEndpointMetadata), which selects the mTLS transport socket.
   */
  private static ClusterLoadAssignment endpoints() {
    LocalityLbEndpoints.Builder locality = LocalityLbEndpoints.newBuilder().setLoadBalancingWeight(UInt32Value.of(2));
    for (String ip : List.of("192.0.2.10", "192.0.2.11")) {
      locality.addLbEndpoints(LbEndpoint.newBuilder()
          .setEndpoint(Endpoint.newBuilder().setAddress(Address.newBuilder().setSocketAddress(socketAddress(ip, PORT))))
          .setHealthStatus(HealthStatus.HEALTHY)
          .setLoadBalancingWeight(UInt32Value.of(1))
          .setMetadata(Metadata.newBuilder()
              .putFilterMetadata("istio", Struct.newBuilder()
                  .putFields("workload", text(SERVICE + "-" + ip + ";" + NAMESPACE + ";" + SERVICE + ";v1;Kubernetes"))
                  .build())
              .putFilterMetadata("envoy.transport_socket_match", Struct.newBuilder()
                  .putFields("tlsMode", text("istio")).build())));
    }
    return ClusterLoadAssignment.newBuilder().setClusterName(OUTBOUND_CLUSTER).addEndpoints(locality).build();
  }

  // ---- LDS ------------------------------------------------------------------------------------

  /**
   * buildVirtualOutboundListener: 0.0.0.0:15001, use_original_dst, a blackhole chain for 15001
   * itself, then the ALLOW_ANY catch-all to PassthroughCluster.
   */
  private static Listener virtualOutbound() {
    return Listener.newBuilder()
        .setName("virtualOutbound")
        .setAddress(address("0.0.0.0", 15001))
        .setUseOriginalDst(BoolValue.of(true))
        .setTrafficDirection(TrafficDirection.OUTBOUND)
        .addFilterChains(FilterChain.newBuilder().setName("virtualOutbound-blackhole")
            .setFilterChainMatch(FilterChainMatch.newBuilder().setDestinationPort(UInt32Value.of(15001)))
            .addFilters(istioStats("CLIENT")).addFilters(tcpProxy(BLACK_HOLE)))
        .addFilterChains(FilterChain.newBuilder().setName("virtualOutbound-catchall-tcp")
            .addFilters(istioStats("CLIENT")).addFilters(tcpProxy(PASSTHROUGH)))
        .build();
  }

  /**
   * A per-port outbound listener for an HTTP port (buildSidecarOutboundListener): bind_to_port
   * false, one chain whose HTTP connection manager takes route "8080" over ADS, with istiod's
   * outbound HTTP filters (Istio's own as TypedStructs, then fault and the router).
   */
  private static Listener httpOutboundListener() {
    HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
        .setStatPrefix("outbound_0.0.0.0_" + PORT)
        .setCodecType(HttpConnectionManager.CodecType.AUTO)
        .setRds(Rds.newBuilder().setConfigSource(adsConfigSource()).setRouteConfigName(ROUTE_NAME))
        .addHttpFilters(typedStructFilter("istio.metadata_exchange", "io.istio.http.peer_metadata.Config",
            Struct.getDefaultInstance()))
        .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.fault")
            .setTypedConfig(Any.pack(HTTPFault.getDefaultInstance())))
        .addHttpFilters(typedStructFilter("istio.stats", "stats.PluginConfig", reporter("CLIENT")))
        .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.router")
            .setTypedConfig(Any.pack(Router.getDefaultInstance())))
        .setUseRemoteAddress(BoolValue.of(false))
        .setStreamIdleTimeout(NO_TIMEOUT)
        .setNormalizePath(BoolValue.of(true))
        .addUpgradeConfigs(HttpConnectionManager.UpgradeConfig.newBuilder().setUpgradeType("websocket"))
        .build();
    return Listener.newBuilder()
        .setName("0.0.0.0_" + PORT)
        .setAddress(address("0.0.0.0", PORT))
        .setBindToPort(BoolValue.of(false))
        .setTrafficDirection(TrafficDirection.OUTBOUND)
        .addFilterChains(FilterChain.newBuilder().addFilters(Filter.newBuilder()
            .setName("envoy.filters.network.http_connection_manager").setTypedConfig(Any.pack(hcm))))
        .build();
  }

  /**
   * buildInboundListeners: 0.0.0.0:15006, use_original_dst, the original_dst / tls_inspector /
   * http_inspector listener filters, a blackhole chain for 15006, the pod's HTTP port under
   * PERMISSIVE (filterchain_options.go: mTLS with Istio's ALPNs, then plaintext), and the
   * passthrough chain for other ports.
   */
  private static Listener virtualInbound() {
    return Listener.newBuilder()
        .setName("virtualInbound")
        .setAddress(address("0.0.0.0", 15006))
        .setUseOriginalDst(BoolValue.of(true))
        .setTrafficDirection(TrafficDirection.INBOUND)
        .setContinueOnListenerFiltersTimeout(true)
        .addListenerFilters(ListenerFilter.newBuilder().setName("envoy.filters.listener.original_dst")
            .setTypedConfig(Any.pack(OriginalDst.getDefaultInstance())))
        .addListenerFilters(ListenerFilter.newBuilder().setName("envoy.filters.listener.tls_inspector")
            .setTypedConfig(Any.pack(TlsInspector.getDefaultInstance())))
        .addListenerFilters(ListenerFilter.newBuilder().setName("envoy.filters.listener.http_inspector")
            .setTypedConfig(Any.pack(HttpInspector.getDefaultInstance())))
        .addFilterChains(FilterChain.newBuilder().setName("virtualInbound-blackhole")
            .setFilterChainMatch(FilterChainMatch.newBuilder().setDestinationPort(UInt32Value.of(15006)))
            .addFilters(tcpProxy(BLACK_HOLE)))
        .addFilterChains(inboundHttpChain(true))
        .addFilterChains(inboundHttpChain(false))
        .addFilterChains(FilterChain.newBuilder().setName("virtualInbound")
            .addFilters(istioStats("SERVER")).addFilters(tcpProxy(INBOUND_PASSTHROUGH)))
        .build();
  }

  /**
   * One chain of the inbound HTTP port: with mTLS (transport "tls", Istio's mTLS ALPNs, a
   * DownstreamTlsContext requiring a client certificate) or plaintext ("raw_buffer"); both with
   * the inbound HTTP connection manager and its inline route to the inbound cluster.
   */
  private static FilterChain inboundHttpChain(boolean mtls) {
    FilterChainMatch.Builder match = FilterChainMatch.newBuilder().setDestinationPort(UInt32Value.of(PORT))
        .setTransportProtocol(mtls ? "tls" : "raw_buffer");
    FilterChain.Builder chain = FilterChain.newBuilder().setName("0.0.0.0_" + PORT);
    if (mtls) {
      match.addAllApplicationProtocols(List.of("istio-http/1.0", "istio-http/1.1", "istio-h2", "istio"));
      chain.setTransportSocket(TransportSocket.newBuilder().setName("envoy.transport_sockets.tls")
          .setTypedConfig(Any.pack(DownstreamTlsContext.newBuilder()
              .setCommonTlsContext(commonTlsContext(List.of("h2", "http/1.1"),
                  StringMatcher.newBuilder().setPrefix("spiffe://cluster.local/")))
              .setRequireClientCertificate(BoolValue.of(true))
              .build())));
    }
    RouteConfiguration inline = RouteConfiguration.newBuilder()
        .setName(INBOUND_CLUSTER)
        .addVirtualHosts(VirtualHost.newBuilder().setName("inbound|http|" + PORT).addDomains("*")
            .addRoutes(Route.newBuilder().setName("default").setMatch(prefix("/"))
                .setRoute(RouteAction.newBuilder().setCluster(INBOUND_CLUSTER).setTimeout(NO_TIMEOUT))
                .setDecorator(Decorator.newBuilder().setOperation(HOST + ":" + PORT + "/*"))))
        .setValidateClusters(BoolValue.of(false))
        .build();
    HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
        .setStatPrefix("inbound_0.0.0.0_" + PORT)
        .setCodecType(HttpConnectionManager.CodecType.AUTO)
        .setRouteConfig(inline)
        .addHttpFilters(typedStructFilter("istio.stats", "stats.PluginConfig", reporter("SERVER")))
        .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.router")
            .setTypedConfig(Any.pack(Router.getDefaultInstance())))
        .setUseRemoteAddress(BoolValue.of(false))
        .setForwardClientCertDetails(HttpConnectionManager.ForwardClientCertDetails.APPEND_FORWARD)
        .setSetCurrentClientCertDetails(HttpConnectionManager.SetCurrentClientCertDetails.newBuilder()
            .setSubject(BoolValue.of(true)).setUri(true).setDns(true))
        .setNormalizePath(BoolValue.of(true))
        .setStreamIdleTimeout(NO_TIMEOUT)
        .build();
    return chain.setFilterChainMatch(match)
        .addFilters(Filter.newBuilder().setName("envoy.filters.network.http_connection_manager")
            .setTypedConfig(Any.pack(hcm)))
        .build();
  }

  // ---- RDS ------------------------------------------------------------------------------------

  /**
   * BuildSidecarOutboundHTTPRouteConfig for port 8080: the service's virtual host (its short and
   * long names and the VIP) with istiod's default route and retry policy, then ALLOW_ANY's
   * catch-all to PassthroughCluster.
   */
  private static RouteConfiguration routeConfiguration() {
    RetryPolicy retries = RetryPolicy.newBuilder()
        .setRetryOn("connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes")
        .setNumRetries(UInt32Value.of(2))
        .addRetriableStatusCodes(503)
        .setHostSelectionRetryMaxAttempts(5)
        .addRetryHostPredicate(RetryPolicy.RetryHostPredicate.newBuilder()
            .setName("envoy.retry_host_predicates.previous_hosts")
            .setTypedConfig(Any.pack(PreviousHostsPredicate.getDefaultInstance())))
        .build();
    VirtualHost service = VirtualHost.newBuilder()
        .setName(HOST + ":" + PORT)
        .addAllDomains(List.of(HOST, SERVICE, SERVICE + "." + NAMESPACE + ".svc", SERVICE + "." + NAMESPACE, VIP))
        .addRoutes(Route.newBuilder().setName("default").setMatch(prefix("/"))
            .setRoute(RouteAction.newBuilder().setCluster(OUTBOUND_CLUSTER).setTimeout(NO_TIMEOUT)
                .setMaxGrpcTimeout(NO_TIMEOUT).setRetryPolicy(retries))
            .setDecorator(Decorator.newBuilder().setOperation(HOST + ":" + PORT + "/*")))
        .setIncludeRequestAttemptCount(true)
        .build();
    VirtualHost allowAny = VirtualHost.newBuilder().setName("allow_any").addDomains("*")
        .addRoutes(Route.newBuilder().setName("allow_any").setMatch(prefix("/"))
            .setRoute(RouteAction.newBuilder().setCluster(PASSTHROUGH).setTimeout(NO_TIMEOUT)
                .setMaxGrpcTimeout(NO_TIMEOUT)))
        .setIncludeRequestAttemptCount(true)
        .build();
    return RouteConfiguration.newBuilder()
        .setName(ROUTE_NAME)
        .addVirtualHosts(service)
        .addVirtualHosts(allowAny)
        .setValidateClusters(BoolValue.of(false))
        .setMaxDirectResponseBodySizeBytes(UInt32Value.of(1024 * 1024))
        .setIgnorePortInHostMatching(true)
        .build();
  }

  // ---- common ---------------------------------------------------------------------------------

  /**
   * The common TLS context of istiod's mTLS (cluster_tls.go, authn utils.go): TLS 1.2–1.3, the
   * ALPNs given, the "default" certificate and the ROOTCA validation context over SDS, with the
   * peer SAN matcher given.
   */
  private static CommonTlsContext commonTlsContext(List<String> alpn, StringMatcher.Builder san) {
    return CommonTlsContext.newBuilder()
        .setTlsParams(TlsParameters.newBuilder()
            .setTlsMinimumProtocolVersion(TlsParameters.TlsProtocol.TLSv1_2)
            .setTlsMaximumProtocolVersion(TlsParameters.TlsProtocol.TLSv1_3))
        .addAllAlpnProtocols(alpn)
        .addTlsCertificateSdsSecretConfigs(sds("default"))
        .setCombinedValidationContext(CommonTlsContext.CombinedCertificateValidationContext.newBuilder()
            .setDefaultValidationContext(CertificateValidationContext.newBuilder().addMatchSubjectAltNames(san))
            .setValidationContextSdsSecretConfig(sds("ROOTCA")))
        .build();
  }

  /** A secret from the agent's "sds-grpc" cluster, as every istiod TLS context names its secrets. */
  private static SdsSecretConfig sds(String name) {
    return SdsSecretConfig.newBuilder().setName(name)
        .setSdsConfig(ConfigSource.newBuilder()
            .setApiConfigSource(ApiConfigSource.newBuilder().setApiType(ApiConfigSource.ApiType.GRPC)
                .setSetNodeOnFirstMessageOnly(true).setTransportApiVersion(ApiVersion.V3)
                .addGrpcServices(GrpcService.newBuilder().setEnvoyGrpc(
                    GrpcService.EnvoyGrpc.newBuilder().setClusterName("sds-grpc"))))
            .setInitialFetchTimeout(NO_TIMEOUT).setResourceApiVersion(ApiVersion.V3))
        .build();
  }

  /** ConfigSource{ads: {}, initial_fetch_timeout: 0s, resource_api_version: V3}, istiod's for RDS and EDS. */
  private static ConfigSource adsConfigSource() {
    return ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance())
        .setInitialFetchTimeout(NO_TIMEOUT).setResourceApiVersion(ApiVersion.V3).build();
  }

  private static HttpFilter typedStructFilter(String name, String type, Struct value) {
    return HttpFilter.newBuilder().setName(name).setTypedConfig(typedStruct(type, value)).build();
  }

  private static Filter istioStats(String reporter) {
    return Filter.newBuilder().setName("istio.stats")
        .setTypedConfig(typedStruct("stats.PluginConfig", reporter(reporter))).build();
  }

  /** Istio's own filters' configuration, as istiod sends it: a TypedStruct naming the type. */
  private static Any typedStruct(String type, Struct value) {
    return Any.pack(TypedStruct.newBuilder().setTypeUrl("type.googleapis.com/" + type).setValue(value).build());
  }

  private static Struct reporter(String reporter) {
    return Struct.newBuilder().putFields("reporter", text(reporter)).build();
  }

  private static Filter tcpProxy(String cluster) {
    return Filter.newBuilder().setName("envoy.filters.network.tcp_proxy")
        .setTypedConfig(Any.pack(TcpProxy.newBuilder().setStatPrefix(cluster).setCluster(cluster).build())).build();
  }

  private static RouteMatch prefix(String prefix) {
    return RouteMatch.newBuilder().setPrefix(prefix).setCaseSensitive(BoolValue.of(true)).build();
  }

  private static Address address(String ip, int port) {
    return Address.newBuilder().setSocketAddress(socketAddress(ip, port)).build();
  }

  private static SocketAddress socketAddress(String ip, int port) {
    return SocketAddress.newBuilder().setAddress(ip).setPortValue(port).build();
  }

  private static Value text(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }
}
