package dev.outrigger.it.xds;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.Duration;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.Value;
import dev.outrigger.xds.istiod.IstiodClusters;
import dev.outrigger.xds.istiod.IstiodConfigSources;
import dev.outrigger.xds.istiod.IstiodEndpoints;
import dev.outrigger.xds.istiod.IstiodFilters;
import dev.outrigger.xds.istiod.IstiodListeners;
import dev.outrigger.xds.istiod.IstiodNames;
import dev.outrigger.xds.istiod.IstiodRoutes;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.DirectResponseAction;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.FaultAbort;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.grpc_stats.v3.FilterConfig;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The resource shapes istiod generates for a sidecar, for namespace default: the shared ones
 * (xds's dev.outrigger.xds.istiod, which the shipped training mesh uses too, and which names the
 * Istio source per shape), plus what only the harness needs (REGISTRY_ONLY, VirtualService routes,
 * the client's bare virtualInbound, a fuller outbound HTTP listener). Fields that matter to a data
 * plane are kept, the rest (stats tags, tracing, access-log config) left out.
 */
public final class IstioShapes {
  public static final String NAMESPACE = "default";
  public static final String DOMAIN_SUFFIX = IstiodNames.DOMAIN_SUFFIX;
  public static final String BLACK_HOLE_CLUSTER = IstiodNames.BLACK_HOLE_CLUSTER;
  public static final String PASSTHROUGH_CLUSTER = IstiodNames.PASSTHROUGH_CLUSTER;
  public static final String INBOUND_PASSTHROUGH_CLUSTER = IstiodNames.INBOUND_PASSTHROUGH_CLUSTER;
  /** The virtual host and route name of REGISTRY_ONLY's catch-all (util.BlackHole). */
  public static final String BLOCK_ALL = "block_all";
  /** The virtual host and route name of ALLOW_ANY's catch-all (util.Passthrough). */
  public static final String ALLOW_ANY = IstiodRoutes.ALLOW_ANY;
  public static final String VIRTUAL_OUTBOUND = IstiodListeners.VIRTUAL_OUTBOUND;
  public static final String VIRTUAL_INBOUND = IstiodListeners.VIRTUAL_INBOUND;
  public static final int OUTBOUND_CAPTURE_PORT = IstiodListeners.OUTBOUND_CAPTURE_PORT;
  public static final int INBOUND_CAPTURE_PORT = IstiodListeners.INBOUND_CAPTURE_PORT;
  private static final Duration NO_TIMEOUT = Duration.getDefaultInstance();

  /** The mesh's outboundTrafficPolicy.mode. */
  public enum OutboundPolicy { ALLOW_ANY, REGISTRY_ONLY }

  private IstioShapes() {}

  /** "reviews.default.svc.cluster.local" */
  public static String host(String service) {
    return IstiodNames.host(service, NAMESPACE);
  }

  /** model.BuildSubsetKey: "outbound|9080|v1|reviews.default.svc.cluster.local", subset "" for the whole service. */
  public static String outboundCluster(int port, String subset, String service) {
    return IstiodNames.outboundCluster(port, subset, host(service));
  }

  // ---- CDS ----------------------------------------------------------------------------------

  /** An outbound EDS cluster of a service in namespace default ({@link IstiodClusters#edsCluster}). */
  public static Cluster edsCluster(String clusterName, String service) {
    return IstiodClusters.edsCluster(clusterName, service, NAMESPACE);
  }

  /**
   * buildBlackHoleCluster: STATIC with no endpoints, so every connection to it fails (UH), with
   * the alt_stat_name util.DelimitedStatsPrefix gives it.
   */
  public static Cluster blackHoleCluster() {
    return Cluster.newBuilder().setName(BLACK_HOLE_CLUSTER).setType(Cluster.DiscoveryType.STATIC)
        .setConnectTimeout(IstiodClusters.CONNECT_TIMEOUT).setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN)
        .setAltStatName(BLACK_HOLE_CLUSTER + ";").build();
  }

  /** buildDefaultPassthroughCluster: ORIGINAL_DST with CLUSTER_PROVIDED, the connection's own destination. */
  public static Cluster passthroughCluster() {
    return Cluster.newBuilder().setName(PASSTHROUGH_CLUSTER).setType(Cluster.DiscoveryType.ORIGINAL_DST)
        .setConnectTimeout(IstiodClusters.CONNECT_TIMEOUT).setLbPolicy(Cluster.LbPolicy.CLUSTER_PROVIDED)
        .setAltStatName(PASSTHROUGH_CLUSTER + ";").build();
  }

  /** {@link IstiodClusters#inboundPassthroughCluster}. */
  public static Cluster inboundPassthroughCluster() {
    return IstiodClusters.inboundPassthroughCluster();
  }

  // ---- EDS ----------------------------------------------------------------------------------

  /** One pod behind a service: its IP, the target port and the labels istiod reads. */
  public record Workload(String podName, String ip, int port, String app, String version) {}

  /**
   * A ClusterLoadAssignment as istiod's EDS builds it for a cluster ({@link IstiodEndpoints}). No
   * envoy.transport_socket_match: the pods have no sidecar, so their tlsMode is disabled.
   */
  public static ClusterLoadAssignment endpoints(String clusterName, List<Workload> workloads) {
    return endpoints(clusterName, workloads, false);
  }

  /** The workloads' endpoints, meshed (labelled tlsMode=istio) or not. */
  static ClusterLoadAssignment endpoints(String clusterName, List<Workload> workloads, boolean meshed) {
    return IstiodEndpoints.loadAssignment(clusterName, workloads.stream()
        .map(w -> IstiodEndpoints.lbEndpoint(w.ip(), w.port(),
            IstiodEndpoints.workloadLabel(w.podName(), NAMESPACE, w.app(), w.version(), "Kubernetes"), meshed))
        .toList());
  }

  // ---- LDS ----------------------------------------------------------------------------------

  /**
   * {@link IstiodListeners#virtualOutbound}, the catch-all to PassthroughCluster (ALLOW_ANY) or
   * BlackHoleCluster (REGISTRY_ONLY).
   */
  public static Listener virtualOutbound(OutboundPolicy policy) {
    return IstiodListeners.virtualOutbound(
        policy == OutboundPolicy.ALLOW_ANY ? PASSTHROUGH_CLUSTER : BLACK_HOLE_CLUSTER);
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
        .setRds(Rds.newBuilder().setConfigSource(IstiodConfigSources.ads()).setRouteConfigName(String.valueOf(port)))
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
        .addFilterChains(FilterChain.newBuilder().addFilters(IstiodFilters.httpConnectionManager(hcm)))
        .build();
  }

  /**
   * The virtual inbound listener of a pod with no service port (the client), as this harness has
   * always sent it: 0.0.0.0:15006, use_original_dst, a blackhole chain for 15006 itself and the
   * passthrough chain to InboundPassthroughCluster; no listener filters, CLIENT stats. A pod with
   * ports gets {@link IstioMtlsShapes#virtualInbound}.
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
            .addFilters(IstiodFilters.tcpProxy(BLACK_HOLE_CLUSTER)))
        .addFilterChains(FilterChain.newBuilder()
            .setName("virtualInbound")
            .addFilters(IstiodFilters.istioStats("CLIENT"))
            .addFilters(IstiodFilters.tcpProxy(INBOUND_PASSTHROUGH_CLUSTER)))
        .build();
  }

  /**
   * The HTTP filters of a sidecar's outbound HCM, in istiod's order: Istio's own (metadata
   * exchange, stats) as TypedStructs a non-Istio Envoy would not know, then grpc_stats, istio.alpn
   * (the ALPN an mTLS upstream offers per HTTP version), fault, cors and the router (compare the config dump in istioctl/pkg/writer/compare/testdata).
   */
  private static List<HttpFilter> outboundHttpFilters() {
    return List.of(
        HttpFilter.newBuilder().setName("istio.metadata_exchange").setTypedConfig(IstiodFilters.typedStruct(
            "io.istio.http.peer_metadata.Config", Struct.newBuilder().putFields("upstream_discovery",
                Value.newBuilder().setListValue(ListValue.getDefaultInstance()).build()).build())).build(),
        HttpFilter.newBuilder().setName("envoy.filters.http.grpc_stats").setTypedConfig(Any.pack(
            FilterConfig.newBuilder().setEmitFilterState(true).setStatsForAllMethods(BoolValue.of(false)).build())).build(),
        IstioMtlsShapes.istioAlpnFilter(),
        HttpFilter.newBuilder().setName("envoy.filters.http.fault").setTypedConfig(Any.pack(HTTPFault.getDefaultInstance())).build(),
        HttpFilter.newBuilder().setName("envoy.filters.http.cors").setTypedConfig(Any.pack(Cors.getDefaultInstance())).build(),
        IstiodFilters.istioStatsHttp("CLIENT"),
        IstiodFilters.router());
  }

  // ---- RDS ----------------------------------------------------------------------------------

  /** {@link IstiodRoutes#routeConfiguration} with the policy's catch-all virtual host last. */
  public static RouteConfiguration routeConfiguration(int port, List<VirtualHost> serviceHosts, OutboundPolicy policy) {
    return IstiodRoutes.routeConfiguration(port, serviceHosts, catchAllVirtualHost(policy));
  }

  /** {@link IstiodRoutes#serviceVirtualHost} for a service in namespace default. */
  public static VirtualHost serviceVirtualHost(String service, String vip, int port, List<Route> routes) {
    return IstiodRoutes.serviceVirtualHost(service, NAMESPACE, vip, port, routes);
  }

  /**
   * buildCatchAllVirtualHost: domain "*"; ALLOW_ANY routes to PassthroughCluster with timeouts
   * off, REGISTRY_ONLY answers every request with a direct 502 (route "block_all").
   */
  public static VirtualHost catchAllVirtualHost(OutboundPolicy policy) {
    if (policy == OutboundPolicy.ALLOW_ANY) {
      return IstiodRoutes.allowAnyVirtualHost();
    }
    return VirtualHost.newBuilder().setName(BLOCK_ALL).addDomains("*")
        .addRoutes(Route.newBuilder().setName(BLOCK_ALL).setMatch(prefix("/"))
            .setDirectResponse(DirectResponseAction.newBuilder().setStatus(502)))
        .setIncludeRequestAttemptCount(true).build();
  }

  public static RouteMatch prefix(String prefix) {
    return IstiodRoutes.prefix(prefix);
  }

  public static RouteMatch exact(String path) {
    return RouteMatch.newBuilder().setPath(path).setCaseSensitive(BoolValue.of(true)).build();
  }

  /** A prefix match that also requires a header's exact value (a VirtualService `headers: {name: {exact: v}}`). */
  public static RouteMatch prefixWithHeader(String prefix, String header, String value) {
    return prefix(prefix).toBuilder().addHeaders(HeaderMatcher.newBuilder()
        .setName(header).setStringMatch(StringMatcher.newBuilder().setExact(value)))
        .build();
  }

  /**
   * A VirtualService HTTP route to one destination ({@link IstiodRoutes#route}): timeout 0s unless
   * the VirtualService sets one (setTimeout), the retry policy {@code retries} (retry.ConvertPolicy).
   */
  public static Route route(String name, RouteMatch match, String cluster, Duration timeout, RetryPolicy retries,
      String service, int port) {
    return IstiodRoutes.route(name, match, IstiodRoutes.routeAction(timeout, retries).setCluster(cluster),
        host(service), port);
  }

  /** As {@link #route}, with weighted destinations (route.go: one weighted cluster per destination, weights as given). */
  public static Route weightedRoute(String name, RouteMatch match, Map<String, Integer> weightsByCluster,
      Duration timeout, RetryPolicy retries, String service, int port) {
    WeightedCluster.Builder weighted = WeightedCluster.newBuilder();
    weightsByCluster.forEach((cluster, weight) -> weighted.addClusters(
        WeightedCluster.ClusterWeight.newBuilder().setName(cluster).setWeight(UInt32Value.of(weight))));
    return IstiodRoutes.route(name, match, IstiodRoutes.routeAction(timeout, retries).setWeightedClusters(weighted),
        host(service), port);
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

  /** {@link IstiodRoutes#defaultRetryPolicy}. */
  public static RetryPolicy defaultRetryPolicy() {
    return IstiodRoutes.defaultRetryPolicy();
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

  public static Duration millis(long millis) {
    return Duration.newBuilder().setSeconds(millis / 1000).setNanos((int) (millis % 1000) * 1_000_000).build();
  }

  public static Duration noTimeout() {
    return NO_TIMEOUT;
  }

  // ---- common -------------------------------------------------------------------------------

  private static SocketAddress socketAddress(String ip, int port) {
    return SocketAddress.newBuilder().setAddress(ip).setPortValue(port).build();
  }

  static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
