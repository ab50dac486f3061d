package dev.outrigger.xds.training;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.Duration;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import dev.outrigger.xds.ResourceType;
import dev.outrigger.xds.istiod.IstiodClusters;
import dev.outrigger.xds.istiod.IstiodConfigSources;
import dev.outrigger.xds.istiod.IstiodEndpoints;
import dev.outrigger.xds.istiod.IstiodFilters;
import dev.outrigger.xds.istiod.IstiodListeners;
import dev.outrigger.xds.istiod.IstiodNames;
import dev.outrigger.xds.istiod.IstiodRoutes;
import dev.outrigger.xds.istiod.IstiodTls;
import dev.outrigger.xds.nds.NameTables;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The configuration the training control plane ({@link TrainingAdsService}) serves: what istiod
 * sends a sidecar of a one-service mesh, small but of every shape the proxy translates from a
 * real istiod, so that {@code bin/outrigger cds-archive}'s training run loads the classes
 * production loads (Envoy API messages, their descriptors, the translators). The shapes are
 * istiod's as {@link dev.outrigger.xds.istiod} builds them (shared with integration-tests'
 * IstioShapes and IstioMtlsShapes), a few condensed here:
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
  static final String HOST = IstiodNames.host(SERVICE, NAMESPACE);
  static final int PORT = 8080;
  static final String VIP = "10.96.0.10";
  static final String OUTBOUND_CLUSTER = IstiodNames.outboundCluster(PORT, "", HOST);
  static final String ROUTE_NAME = String.valueOf(PORT);
  private static final Duration NO_TIMEOUT = Duration.getDefaultInstance();

  private final Map<ResourceType, Map<String, Message>> resources;

  private TrainingMesh(Map<ResourceType, Map<String, Message>> resources) {
    this.resources = resources;
  }

  /** The one mesh. */
  public static TrainingMesh create() {
    Map<ResourceType, Map<String, Message>> all = new EnumMap<>(ResourceType.class);
    all.put(ResourceType.CLUSTER, byName(List.of(blackHoleCluster(), IstiodClusters.inboundPassthroughCluster(),
        passthroughCluster(), outboundCluster(), IstiodClusters.inboundPortCluster(PORT)), m -> ((Cluster) m).getName()));
    all.put(ResourceType.ENDPOINT, Map.of(OUTBOUND_CLUSTER, endpoints()));
    all.put(ResourceType.LISTENER, byName(List.of(IstiodListeners.virtualOutbound(IstiodNames.PASSTHROUGH_CLUSTER),
        httpOutboundListener(), virtualInbound()),
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

  /**
   * buildBlackHoleCluster: STATIC, no endpoints. Condensed: without the alt_stat_name newer
   * istiods add (the harness's IstioShapes has it).
   */
  private static Cluster blackHoleCluster() {
    return Cluster.newBuilder().setName(IstiodNames.BLACK_HOLE_CLUSTER).setType(Cluster.DiscoveryType.STATIC)
        .setConnectTimeout(IstiodClusters.CONNECT_TIMEOUT).setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN).build();
  }

  /** buildDefaultPassthroughCluster: ORIGINAL_DST, CLUSTER_PROVIDED (condensed as the black hole). */
  private static Cluster passthroughCluster() {
    return Cluster.newBuilder().setName(IstiodNames.PASSTHROUGH_CLUSTER).setType(Cluster.DiscoveryType.ORIGINAL_DST)
        .setConnectTimeout(IstiodClusters.CONNECT_TIMEOUT).setLbPolicy(Cluster.LbPolicy.CLUSTER_PROVIDED).build();
  }

  /** The outbound EDS cluster with auto mTLS to the service's own account. */
  private static Cluster outboundCluster() {
    UpstreamTlsContext mtls = IstiodTls.upstreamTlsContext(IstiodNames.outboundSni(PORT, "", HOST),
        List.of("spiffe://cluster.local/ns/" + NAMESPACE + "/sa/" + SERVICE));
    return IstiodClusters.withAutoMtls(IstiodClusters.edsCluster(OUTBOUND_CLUSTER, SERVICE, NAMESPACE), mtls);
  }

  // ---- EDS ------------------------------------------------------------------------------------

  /** Two meshed endpoints (tlsMode=istio, which selects the mTLS transport socket) in one locality. */
  private static ClusterLoadAssignment endpoints() {
    List<LbEndpoint> endpoints = Stream.of("192.0.2.10", "192.0.2.11")
        .map(ip -> IstiodEndpoints.lbEndpoint(ip, PORT,
            IstiodEndpoints.workloadLabel(SERVICE + "-" + ip, NAMESPACE, SERVICE, "v1", "Kubernetes"), true))
        .toList();
    return IstiodEndpoints.loadAssignment(OUTBOUND_CLUSTER, endpoints);
  }

  // ---- LDS ------------------------------------------------------------------------------------

  /**
   * A per-port outbound listener for an HTTP port (buildSidecarOutboundListener): bind_to_port
   * false, one chain whose HTTP connection manager takes route "8080" over ADS, with istiod's
   * outbound HTTP filters (Istio's own as TypedStructs, then fault and the router). Condensed:
   * fewer filters and fields than the harness's IstioShapes.httpOutboundListener.
   */
  private static Listener httpOutboundListener() {
    HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
        .setStatPrefix("outbound_0.0.0.0_" + PORT)
        .setCodecType(HttpConnectionManager.CodecType.AUTO)
        .setRds(Rds.newBuilder().setConfigSource(IstiodConfigSources.ads()).setRouteConfigName(ROUTE_NAME))
        .addHttpFilters(HttpFilter.newBuilder().setName("istio.metadata_exchange").setTypedConfig(
            IstiodFilters.typedStruct("io.istio.http.peer_metadata.Config", Struct.getDefaultInstance())))
        .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.fault")
            .setTypedConfig(Any.pack(HTTPFault.getDefaultInstance())))
        .addHttpFilters(IstiodFilters.istioStatsHttp("CLIENT"))
        .addHttpFilters(IstiodFilters.router())
        .setUseRemoteAddress(BoolValue.of(false))
        .setStreamIdleTimeout(NO_TIMEOUT)
        .setNormalizePath(BoolValue.of(true))
        .addUpgradeConfigs(HttpConnectionManager.UpgradeConfig.newBuilder().setUpgradeType("websocket"))
        .build();
    return Listener.newBuilder()
        .setName("0.0.0.0_" + PORT)
        .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress("0.0.0.0").setPortValue(PORT)))
        .setBindToPort(BoolValue.of(false))
        .setTrafficDirection(TrafficDirection.OUTBOUND)
        .addFilterChains(FilterChain.newBuilder().addFilters(IstiodFilters.httpConnectionManager(hcm)))
        .build();
  }

  /**
   * virtualInbound with the pod's HTTP port under PERMISSIVE (filterchain_options.go: mTLS, then
   * plaintext). Condensed: the TLS chain matches Istio's HTTP mTLS ALPNs and "istio" rather than
   * allIstioMtlsALPNs, and its context names no cipher suites.
   */
  private static Listener virtualInbound() {
    Filter hcm = IstiodListeners.inboundHttpConnectionManager(PORT, HOST);
    FilterChain mtls = IstiodListeners.terminatingTls(
        IstiodListeners.inboundChain(PORT, IstiodListeners.TLS,
            List.of("istio-http/1.0", "istio-http/1.1", "istio-h2", "istio"), List.of(hcm)),
        IstiodTls.downstreamTlsContext(List.of("h2", "http/1.1"), List.of()));
    FilterChain plaintext = IstiodListeners.inboundChain(PORT, IstiodListeners.RAW_BUFFER, List.of(), List.of(hcm));
    return IstiodListeners.virtualInbound(List.of(mtls, plaintext));
  }

  // ---- RDS ------------------------------------------------------------------------------------

  /** Route "8080": the service's virtual host with istiod's default route, then ALLOW_ANY's catch-all. */
  private static RouteConfiguration routeConfiguration() {
    Route route = IstiodRoutes.route("default", IstiodRoutes.prefix("/"),
        IstiodRoutes.routeAction(NO_TIMEOUT, IstiodRoutes.defaultRetryPolicy()).setCluster(OUTBOUND_CLUSTER), HOST, PORT);
    return IstiodRoutes.routeConfiguration(PORT,
        List.of(IstiodRoutes.serviceVirtualHost(SERVICE, NAMESPACE, VIP, PORT, List.of(route))),
        IstiodRoutes.allowAnyVirtualHost());
  }
}
