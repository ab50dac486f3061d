package dev.outrigger.it.xds;

import com.github.udpa.udpa.type.v1.TypedStruct;
import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.Duration;
import com.google.protobuf.Struct;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.BindConfig;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.Metadata;
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
import io.envoyproxy.envoy.config.route.v3.Decorator;
import io.envoyproxy.envoy.config.route.v3.DirectResponseAction;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.FaultAbort;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.grpc_stats.v3.FilterConfig;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The resource shapes istiod generates for a sidecar, built with Envoy's API classes. Each builder
 * names the Istio source it follows (istio/istio master, read for this harness); fields that
 * matter to a data plane are kept, the rest (stats tags, tracing, access-log config) left out.
 */
public final class IstioShapes {
  public static final String NAMESPACE = "default";
  public static final String DOMAIN_SUFFIX = "svc.cluster.local";
  // pilot/pkg/networking/util/util.go
  public static final String BLACK_HOLE_CLUSTER = "BlackHoleCluster";
  public static final String PASSTHROUGH_CLUSTER = "PassthroughCluster";
  public static final String INBOUND_PASSTHROUGH_CLUSTER = "InboundPassthroughCluster";
  /** The virtual host and route name of REGISTRY_ONLY's catch-all (util.BlackHole). */
  public static final String BLOCK_ALL = "block_all";
  /** The virtual host and route name of ALLOW_ANY's catch-all (util.Passthrough). */
  public static final String ALLOW_ANY = "allow_any";
  // pilot/pkg/model/listener.go
  public static final String VIRTUAL_OUTBOUND = "virtualOutbound";
  public static final String VIRTUAL_INBOUND = "virtualInbound";
  public static final int OUTBOUND_CAPTURE_PORT = 15001;
  public static final int INBOUND_CAPTURE_PORT = 15006;
  /** MeshConfig connectTimeout default (10 s), used by every cluster istiod builds. */
  private static final Duration CONNECT_TIMEOUT = Duration.newBuilder().setSeconds(10).build();
  private static final Duration NO_TIMEOUT = Duration.getDefaultInstance();
  private static final UInt32Value MAX_UINT32 = UInt32Value.of(-1); // 4294967295 on the wire

  /** The mesh's outboundTrafficPolicy.mode. */
  public enum OutboundPolicy { ALLOW_ANY, REGISTRY_ONLY }

  private IstioShapes() {}

  /** "reviews.default.svc.cluster.local" */
  public static String host(String service) {
    return service + "." + NAMESPACE + "." + DOMAIN_SUFFIX;
  }

  /** model.BuildSubsetKey: "outbound|9080|v1|reviews.default.svc.cluster.local", subset "" for the whole service. */
  public static String outboundCluster(int port, String subset, String service) {
    return "outbound|" + port + "|" + subset + "|" + host(service);
  }

  // ---- CDS ----------------------------------------------------------------------------------

  /**
   * An outbound EDS cluster as cluster_builder.go builds it: type EDS, eds_cluster_config with
   * service_name = the cluster name and an ADS config source with initial_fetch_timeout 0s
   * (maybeApplyEdsConfig), the mesh connect timeout, LEAST_REQUEST (cluster_traffic_policy.go
   * defaultLBAlgorithm), default circuit breakers at max uint32 (getDefaultCircuitBreakerThresholds)
   * and the istio "services" metadata.
   */
  public static Cluster edsCluster(String clusterName, String service) {
    return Cluster.newBuilder()
        .setName(clusterName)
        .setType(Cluster.DiscoveryType.EDS)
        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder()
            .setEdsConfig(adsConfigSource())
            .setServiceName(clusterName))
        .setConnectTimeout(CONNECT_TIMEOUT)
        .setLbPolicy(Cluster.LbPolicy.LEAST_REQUEST)
        .setCircuitBreakers(CircuitBreakers.newBuilder().addThresholds(CircuitBreakers.Thresholds.newBuilder()
            .setMaxConnections(MAX_UINT32).setMaxPendingRequests(MAX_UINT32)
            .setMaxRequests(MAX_UINT32).setMaxRetries(MAX_UINT32).setTrackRemaining(true)))
        .setCommonLbConfig(Cluster.CommonLbConfig.getDefaultInstance())
        .setMetadata(Metadata.newBuilder().putFilterMetadata("istio", Struct.newBuilder()
            .putFields("services", Value.newBuilder().setListValue(com.google.protobuf.ListValue.newBuilder()
                .addValues(Value.newBuilder().setStructValue(Struct.newBuilder()
                    .putFields("host", text(host(service)))
                    .putFields("name", text(service))
                    .putFields("namespace", text(NAMESPACE))))).build())
            .build()))
        .build();
  }

  /** buildBlackHoleCluster: STATIC with no endpoints, so every connection to it fails (UH). */
  public static Cluster blackHoleCluster() {
    return Cluster.newBuilder().setName(BLACK_HOLE_CLUSTER).setType(Cluster.DiscoveryType.STATIC)
        .setConnectTimeout(CONNECT_TIMEOUT).setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN)
        .setAltStatName(BLACK_HOLE_CLUSTER + ";").build();
  }

  /** buildDefaultPassthroughCluster: ORIGINAL_DST with CLUSTER_PROVIDED, the connection's own destination. */
  public static Cluster passthroughCluster() {
    return Cluster.newBuilder().setName(PASSTHROUGH_CLUSTER).setType(Cluster.DiscoveryType.ORIGINAL_DST)
        .setConnectTimeout(CONNECT_TIMEOUT).setLbPolicy(Cluster.LbPolicy.CLUSTER_PROVIDED)
        .setAltStatName(PASSTHROUGH_CLUSTER + ";").build();
  }

  /**
   * buildInboundPassthroughCluster: ORIGINAL_DST bound to 127.0.0.6, the address the app sees
   * inbound connections from (util.InboundPassthroughBindIpv4).
   */
  public static Cluster inboundPassthroughCluster() {
    return Cluster.newBuilder().setName(INBOUND_PASSTHROUGH_CLUSTER).setType(Cluster.DiscoveryType.ORIGINAL_DST)
        .setConnectTimeout(CONNECT_TIMEOUT).setLbPolicy(Cluster.LbPolicy.CLUSTER_PROVIDED)
        .setUpstreamBindConfig(BindConfig.newBuilder().setSourceAddress(socketAddress("127.0.0.6", 0)))
        .build();
  }

  // ---- EDS ----------------------------------------------------------------------------------

  /** One pod behind a service: its IP, the target port and the labels istiod reads. */
  public record Workload(String podName, String ip, int port, String app, String version) {}

  /**
   * A ClusterLoadAssignment as istiod's EDS builds it for a cluster: one locality group (the test
   * pods have no topology labels) with weight = its endpoint count, each endpoint HEALTHY with
   * weight 1 and the istio "workload" metadata (util.go AppendLbEndpointMetadata:
   * "workload;namespace;canonical service;canonical revision;cluster id"). No
   * envoy.transport_socket_match: the pods have no sidecar, so their tlsMode is disabled.
   */
  public static ClusterLoadAssignment endpoints(String clusterName, List<Workload> workloads) {
    LocalityLbEndpoints.Builder locality = LocalityLbEndpoints.newBuilder()
        .setLoadBalancingWeight(UInt32Value.of(workloads.size()));
    for (Workload w : workloads) {
      String workloadLabel = String.join(";", w.podName(), NAMESPACE, w.app(), w.version(), "Kubernetes");
      locality.addLbEndpoints(LbEndpoint.newBuilder()
          .setEndpoint(Endpoint.newBuilder().setAddress(Address.newBuilder().setSocketAddress(socketAddress(w.ip(), w.port()))))
          .setHealthStatus(HealthStatus.HEALTHY)
          .setLoadBalancingWeight(UInt32Value.of(1))
          .setMetadata(Metadata.newBuilder().putFilterMetadata("istio", Struct.newBuilder()
              .putFields("workload", text(workloadLabel)).build())));
    }
    ClusterLoadAssignment.Builder cla = ClusterLoadAssignment.newBuilder().setClusterName(clusterName);
    if (!workloads.isEmpty()) {
      cla.addEndpoints(locality);
    }
    return cla.build();
  }

  // ---- LDS ----------------------------------------------------------------------------------

  /**
   * The virtual outbound listener (listener_builder.go buildVirtualOutboundListener and
   * buildOutboundCatchAllNetworkFilterChains): 0.0.0.0:15001, use_original_dst, a blackhole chain
   * for connections addressed to 15001 itself, then the catch-all TCP chain to
   * PassthroughCluster (ALLOW_ANY) or BlackHoleCluster (REGISTRY_ONLY).
   */
  public static Listener virtualOutbound(OutboundPolicy policy) {
    String fallthrough = policy == OutboundPolicy.ALLOW_ANY ? PASSTHROUGH_CLUSTER : BLACK_HOLE_CLUSTER;
    return Listener.newBuilder()
        .setName(VIRTUAL_OUTBOUND)
        .setAddress(Address.newBuilder().setSocketAddress(socketAddress("0.0.0.0", OUTBOUND_CAPTURE_PORT)))
        .setUseOriginalDst(BoolValue.of(true))
        .setTrafficDirection(TrafficDirection.OUTBOUND)
        .addFilterChains(FilterChain.newBuilder()
            .setName("virtualOutbound-blackhole")
            .setFilterChainMatch(FilterChainMatch.newBuilder().setDestinationPort(UInt32Value.of(OUTBOUND_CAPTURE_PORT)))
            .addFilters(istioStatsNetworkFilter())
            .addFilters(tcpProxy(BLACK_HOLE_CLUSTER)))
        .addFilterChains(FilterChain.newBuilder()
            .setName("virtualOutbound-catchall-tcp")
            .addFilters(istioStatsNetworkFilter())
            .addFilters(tcpProxy(fallthrough)))
        .build();
  }

  /**
   * A per-port outbound listener for a port whose services declare HTTP (listener.go
   * buildSidecarOutboundListener / listener_builder.go): "0.0.0.0_9080", bind_to_port false (it
   * only receives connections handed over by virtualOutbound), one match-all chain with an
   * http_connection_manager that takes route config "9080" over ADS (a single chain stays in
   * filter_chains, with no default chain). Stat prefix "outbound_0.0.0.0_9080".
   */
  public static Listener httpOutboundListener(int port) {
    String name = "0.0.0.0_" + port;
    HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
        .setStatPrefix("outbound_" + name)
        .setCodecType(HttpConnectionManager.CodecType.AUTO)
        .setRds(Rds.newBuilder().setConfigSource(adsConfigSource()).setRouteConfigName(String.valueOf(port)))
        .addAllHttpFilters(outboundHttpFilters())
        .setUseRemoteAddress(BoolValue.of(false))
        .setStreamIdleTimeout(NO_TIMEOUT)
        .setNormalizePath(BoolValue.of(true))
        .setPathWithEscapedSlashesAction(HttpConnectionManager.PathWithEscapedSlashesAction.KEEP_UNCHANGED)
        .addUpgradeConfigs(HttpConnectionManager.UpgradeConfig.newBuilder().setUpgradeType("websocket"))
        .build();
    return Listener.newBuilder()
        .setName(name)
        .setAddress(Address.newBuilder().setSocketAddress(socketAddress("0.0.0.0", port)))
        .setBindToPort(BoolValue.of(false))
        .setTrafficDirection(TrafficDirection.OUTBOUND)
        .setContinueOnListenerFiltersTimeout(true)
        .setListenerFiltersTimeout(NO_TIMEOUT)
        .addFilterChains(FilterChain.newBuilder()
            .addFilters(Filter.newBuilder().setName("envoy.filters.network.http_connection_manager")
                .setTypedConfig(Any.pack(hcm))))
        .build();
  }

  /**
   * The virtual inbound listener (listener_builder.go buildInboundListeners): 0.0.0.0:15006,
   * use_original_dst, a blackhole chain for 15006 itself and, with no service port on this pod
   * (the client), the passthrough chain to InboundPassthroughCluster.
   */
  public static Listener virtualInbound() {
    return Listener.newBuilder()
        .setName(VIRTUAL_INBOUND)
        .setAddress(Address.newBuilder().setSocketAddress(socketAddress("0.0.0.0", INBOUND_CAPTURE_PORT)))
        .setUseOriginalDst(BoolValue.of(true))
        .setTrafficDirection(TrafficDirection.INBOUND)
        .addFilterChains(FilterChain.newBuilder()
            .setName("virtualInbound-blackhole")
            .setFilterChainMatch(FilterChainMatch.newBuilder().setDestinationPort(UInt32Value.of(INBOUND_CAPTURE_PORT)))
            .addFilters(tcpProxy(BLACK_HOLE_CLUSTER)))
        .addFilterChains(FilterChain.newBuilder()
            .setName("virtualInbound")
            .addFilters(istioStatsNetworkFilter())
            .addFilters(tcpProxy(INBOUND_PASSTHROUGH_CLUSTER)))
        .build();
  }

  /**
   * The HTTP filters of a sidecar's outbound HCM, in istiod's order: Istio's own (metadata
   * exchange, stats) as TypedStructs a non-Istio Envoy would not know, then grpc_stats, istio.alpn
   * (the ALPN an mTLS upstream offers per HTTP version), fault, cors and the router (compare the config dump in istioctl/pkg/writer/compare/testdata).
   */
  private static List<HttpFilter> outboundHttpFilters() {
    return List.of(
        HttpFilter.newBuilder().setName("istio.metadata_exchange").setTypedConfig(Any.pack(TypedStruct.newBuilder()
            .setTypeUrl("type.googleapis.com/io.istio.http.peer_metadata.Config")
            .setValue(Struct.newBuilder().putFields("upstream_discovery", Value.newBuilder()
                .setListValue(com.google.protobuf.ListValue.getDefaultInstance()).build())).build())).build(),
        HttpFilter.newBuilder().setName("envoy.filters.http.grpc_stats").setTypedConfig(Any.pack(
            FilterConfig.newBuilder().setEmitFilterState(true).setStatsForAllMethods(BoolValue.of(false)).build())).build(),
        IstioMtlsShapes.istioAlpnFilter(),
        HttpFilter.newBuilder().setName("envoy.filters.http.fault").setTypedConfig(Any.pack(HTTPFault.getDefaultInstance())).build(),
        HttpFilter.newBuilder().setName("envoy.filters.http.cors").setTypedConfig(Any.pack(Cors.getDefaultInstance())).build(),
        HttpFilter.newBuilder().setName("istio.stats").setTypedConfig(Any.pack(TypedStruct.newBuilder()
            .setTypeUrl("type.googleapis.com/stats.PluginConfig")
            .setValue(Struct.newBuilder().putFields("reporter", text("CLIENT"))).build())).build(),
        HttpFilter.newBuilder().setName("envoy.filters.http.router").setTypedConfig(Any.pack(Router.getDefaultInstance())).build());
  }

  private static Filter istioStatsNetworkFilter() {
    return Filter.newBuilder().setName("istio.stats").setTypedConfig(Any.pack(TypedStruct.newBuilder()
        .setTypeUrl("type.googleapis.com/stats.PluginConfig")
        .setValue(Struct.newBuilder().putFields("reporter", text("CLIENT"))).build())).build();
  }

  private static Filter tcpProxy(String cluster) {
    return Filter.newBuilder().setName("envoy.filters.network.tcp_proxy")
        .setTypedConfig(Any.pack(TcpProxy.newBuilder().setStatPrefix(cluster).setCluster(cluster).build()))
        .build();
  }

  // ---- RDS ----------------------------------------------------------------------------------

  /**
   * An outbound route configuration as httproute.go BuildSidecarOutboundHTTPRouteConfig returns it:
   * named after the port, validate_clusters false, a 1 MiB direct-response limit, and
   * ignore_port_in_host_matching (SidecarIgnorePort: true for every Envoy sidecar), which is why
   * the domains below carry no ":port" variants. The catch-all virtual host comes last.
   */
  public static RouteConfiguration routeConfiguration(int port, List<VirtualHost> serviceHosts, OutboundPolicy policy) {
    return RouteConfiguration.newBuilder()
        .setName(String.valueOf(port))
        .addAllVirtualHosts(serviceHosts)
        .addVirtualHosts(catchAllVirtualHost(policy))
        .setValidateClusters(BoolValue.of(false))
        .setMaxDirectResponseBodySizeBytes(UInt32Value.of(1024 * 1024))
        .setIgnorePortInHostMatching(true)
        .build();
  }

  /**
   * A service's virtual host (httproute.go generateVirtualHostDomains with the port suffix off,
   * generateAltVirtualHostsForKubernetesService for a client in the same namespace): named
   * "reviews.default.svc.cluster.local:9080", domains the FQDN, "reviews", "reviews.default.svc",
   * "reviews.default" and the ClusterIP.
   */
  public static VirtualHost serviceVirtualHost(String service, String vip, int port, List<Route> routes) {
    return VirtualHost.newBuilder()
        .setName(host(service) + ":" + port)
        .addDomains(host(service))
        .addDomains(service)
        .addDomains(service + "." + NAMESPACE + ".svc")
        .addDomains(service + "." + NAMESPACE)
        .addDomains(vip)
        .addAllRoutes(routes)
        .setIncludeRequestAttemptCount(true)
        .build();
  }

  /**
   * buildCatchAllVirtualHost: domain "*"; ALLOW_ANY routes to PassthroughCluster with timeouts
   * off, REGISTRY_ONLY answers every request with a direct 502 (route "block_all").
   */
  public static VirtualHost catchAllVirtualHost(OutboundPolicy policy) {
    if (policy == OutboundPolicy.ALLOW_ANY) {
      return VirtualHost.newBuilder().setName(ALLOW_ANY).addDomains("*")
          .addRoutes(Route.newBuilder().setName(ALLOW_ANY).setMatch(prefix("/"))
              .setRoute(RouteAction.newBuilder().setCluster(PASSTHROUGH_CLUSTER).setTimeout(NO_TIMEOUT)
                  .setMaxGrpcTimeout(NO_TIMEOUT)))
          .setIncludeRequestAttemptCount(true).build();
    }
    return VirtualHost.newBuilder().setName(BLOCK_ALL).addDomains("*")
        .addRoutes(Route.newBuilder().setName(BLOCK_ALL).setMatch(prefix("/"))
            .setDirectResponse(DirectResponseAction.newBuilder().setStatus(502)))
        .setIncludeRequestAttemptCount(true).build();
  }

  public static RouteMatch prefix(String prefix) {
    return RouteMatch.newBuilder().setPrefix(prefix).setCaseSensitive(BoolValue.of(true)).build();
  }

  public static RouteMatch exact(String path) {
    return RouteMatch.newBuilder().setPath(path).setCaseSensitive(BoolValue.of(true)).build();
  }

  /** A prefix match that also requires a header's exact value (a VirtualService `headers: {name: {exact: v}}`). */
  public static RouteMatch prefixWithHeader(String prefix, String header, String value) {
    return prefix(prefix).toBuilder().addHeaders(io.envoyproxy.envoy.config.route.v3.HeaderMatcher.newBuilder()
        .setName(header).setStringMatch(io.envoyproxy.envoy.type.matcher.v3.StringMatcher.newBuilder().setExact(value)))
        .build();
  }

  /**
   * A VirtualService HTTP route to one destination as route.go translateRoute builds it: the
   * route name is the VirtualService route's name, timeout 0s unless the VirtualService sets one
   * (setTimeout), max_grpc_timeout 0s, the retry policy {@code retries} (retry.ConvertPolicy),
   * and a decorator naming the service.
   */
  public static Route route(String name, RouteMatch match, String cluster, Duration timeout, RetryPolicy retries,
      String service, int port) {
    return Route.newBuilder()
        .setName(name)
        .setMatch(match)
        .setRoute(routeAction(timeout, retries).setCluster(cluster))
        .setDecorator(Decorator.newBuilder().setOperation(host(service) + ":" + port + "/*"))
        .build();
  }

  /** As {@link #route}, with weighted destinations (route.go: one weighted cluster per destination, weights as given). */
  public static Route weightedRoute(String name, RouteMatch match, Map<String, Integer> weightsByCluster,
      Duration timeout, RetryPolicy retries, String service, int port) {
    WeightedCluster.Builder weighted = WeightedCluster.newBuilder();
    weightsByCluster.forEach((cluster, weight) -> weighted.addClusters(
        WeightedCluster.ClusterWeight.newBuilder().setName(cluster).setWeight(UInt32Value.of(weight))));
    return Route.newBuilder()
        .setName(name)
        .setMatch(match)
        .setRoute(routeAction(timeout, retries).setWeightedClusters(weighted))
        .setDecorator(Decorator.newBuilder().setOperation(host(service) + ":" + port + "/*"))
        .build();
  }

  /**
   * A route with a VirtualService fault abort (route.go TranslateFault): typed_per_filter_config
   * "envoy.filters.http.fault" with abort.http_status and the percentage as a FractionalPercent
   * over a MILLION (translatePercentToFractionalPercent: value * 10000).
   */
  public static Route withAbort(Route route, int httpStatus, double percent) {
    HTTPFault fault = HTTPFault.newBuilder().setAbort(FaultAbort.newBuilder()
        .setHttpStatus(httpStatus)
        .setPercentage(FractionalPercent.newBuilder().setNumerator((int) (percent * 10000))
            .setDenominator(FractionalPercent.DenominatorType.MILLION)))
        .build();
    return route.toBuilder().putTypedPerFilterConfig("envoy.filters.http.fault", Any.pack(fault)).build();
  }

  private static RouteAction.Builder routeAction(Duration timeout, RetryPolicy retries) {
    RouteAction.Builder action = RouteAction.newBuilder().setTimeout(timeout).setMaxGrpcTimeout(NO_TIMEOUT);
    if (retries != null) {
      action.setRetryPolicy(retries);
    }
    return action;
  }

  /**
   * retry.go DefaultPolicy: what every route gets without a VirtualService `retries`: 2 retries on
   * "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes" with 503
   * retriable, host_selection_retry_max_attempts 5 and the previous_hosts predicate.
   */
  public static RetryPolicy defaultRetryPolicy() {
    return RetryPolicy.newBuilder()
        .setRetryOn("connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes")
        .setNumRetries(UInt32Value.of(2))
        .addRetriableStatusCodes(503)
        .setHostSelectionRetryMaxAttempts(5)
        .addRetryHostPredicate(previousHosts())
        .build();
  }

  /**
   * retry.go ConvertPolicy for a VirtualService {@code retries: {attempts, retryOn}}: the default
   * policy with num_retries = attempts and retry_on = the given conditions (status codes among
   * them would go to retriable_status_codes; none here).
   */
  public static RetryPolicy retries(int attempts, String retryOn) {
    return defaultRetryPolicy().toBuilder()
        .setNumRetries(UInt32Value.of(attempts))
        .setRetryOn(retryOn)
        .clearRetriableStatusCodes()
        .build();
  }

  /** xdsfilters.RetryPreviousHosts: envoy.retry_host_predicates.previous_hosts. */
  private static RetryPolicy.RetryHostPredicate previousHosts() {
    return RetryPolicy.RetryHostPredicate.newBuilder().setName("envoy.retry_host_predicates.previous_hosts")
        .setTypedConfig(Any.pack(io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate
            .getDefaultInstance()))
        .build();
  }

  public static Duration millis(long millis) {
    return Duration.newBuilder().setSeconds(millis / 1000).setNanos((int) (millis % 1000) * 1_000_000).build();
  }

  public static Duration noTimeout() {
    return NO_TIMEOUT;
  }

  // ---- common -------------------------------------------------------------------------------

  /** ConfigSource{ads: {}, initial_fetch_timeout: 0s, resource_api_version: V3}, istiod's for RDS and EDS. */
  private static ConfigSource adsConfigSource() {
    return ConfigSource.newBuilder()
        .setAds(AggregatedConfigSource.getDefaultInstance())
        .setInitialFetchTimeout(NO_TIMEOUT)
        .setResourceApiVersion(ApiVersion.V3)
        .build();
  }

  private static SocketAddress socketAddress(String ip, int port) {
    return SocketAddress.newBuilder().setAddress(ip).setPortValue(port).build();
  }

  private static Value text(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }

  static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
