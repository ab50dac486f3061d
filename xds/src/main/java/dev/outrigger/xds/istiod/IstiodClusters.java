package dev.outrigger.xds.istiod;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.BindConfig;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;

/** The clusters istiod sends a sidecar (pilot/pkg/networking/core/cluster_builder.go). */
public final class IstiodClusters {
  /** MeshConfig connectTimeout's default (10 s), used by every cluster istiod builds. */
  public static final Duration CONNECT_TIMEOUT = Duration.newBuilder().setSeconds(10).build();
  private static final UInt32Value MAX_UINT32 = UInt32Value.of(-1); // 4294967295 on the wire

  private IstiodClusters() {}

  /**
   * An outbound EDS cluster: type EDS, eds_cluster_config with service_name = the cluster name
   * and an ADS config source (maybeApplyEdsConfig), the mesh connect timeout, LEAST_REQUEST
   * (cluster_traffic_policy.go defaultLBAlgorithm), default circuit breakers at max uint32
   * (getDefaultCircuitBreakerThresholds) and the istio "services" metadata naming the service.
   */
  public static Cluster edsCluster(String clusterName, String service, String namespace) {
    return Cluster.newBuilder()
        .setName(clusterName)
        .setType(Cluster.DiscoveryType.EDS)
        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder()
            .setEdsConfig(IstiodConfigSources.ads())
            .setServiceName(clusterName))
        .setConnectTimeout(CONNECT_TIMEOUT)
        .setLbPolicy(Cluster.LbPolicy.LEAST_REQUEST)
        .setCircuitBreakers(CircuitBreakers.newBuilder().addThresholds(CircuitBreakers.Thresholds.newBuilder()
            .setMaxConnections(MAX_UINT32).setMaxPendingRequests(MAX_UINT32)
            .setMaxRequests(MAX_UINT32).setMaxRetries(MAX_UINT32).setTrackRemaining(true)))
        .setCommonLbConfig(Cluster.CommonLbConfig.getDefaultInstance())
        .setMetadata(Metadata.newBuilder().putFilterMetadata("istio", Struct.newBuilder()
            .putFields("services", Value.newBuilder().setListValue(ListValue.newBuilder()
                .addValues(Value.newBuilder().setStructValue(Struct.newBuilder()
                    .putFields("host", Protos.text(IstiodNames.host(service, namespace)))
                    .putFields("name", Protos.text(service))
                    .putFields("namespace", Protos.text(namespace))))).build())
            .build()))
        .build();
  }

  /**
   * The cluster with auto mTLS as buildAutoMtlsSettings applies ISTIO_MUTUAL:
   * transport_socket_matches "tlsMode-istio" (match {tlsMode: istio}, the UpstreamTlsContext
   * given) then "tlsMode-disabled" (match {}, raw_buffer) for endpoints without a sidecar.
   */
  public static Cluster withAutoMtls(Cluster cluster, UpstreamTlsContext mtls) {
    return cluster.toBuilder()
        .addTransportSocketMatches(Cluster.TransportSocketMatch.newBuilder()
            .setName("tlsMode-istio")
            .setMatch(Struct.newBuilder().putFields("tlsMode", Protos.text(IstiodEndpoints.TLS_MODE_ISTIO)))
            .setTransportSocket(TransportSocket.newBuilder().setName("envoy.transport_sockets.tls")
                .setTypedConfig(Any.pack(mtls))))
        .addTransportSocketMatches(Cluster.TransportSocketMatch.newBuilder()
            .setName("tlsMode-disabled")
            .setMatch(Struct.getDefaultInstance())
            .setTransportSocket(TransportSocket.newBuilder().setName("envoy.transport_sockets.raw_buffer")
                .setTypedConfig(Any.pack(RawBuffer.getDefaultInstance()))))
        .build();
  }

  /**
   * buildInboundPassthroughCluster: ORIGINAL_DST with CLUSTER_PROVIDED, bound to 127.0.0.6, the
   * address the app sees inbound connections from.
   */
  public static Cluster inboundPassthroughCluster() {
    return originalDstBound(IstiodNames.INBOUND_PASSTHROUGH_CLUSTER);
  }

  /**
   * buildInboundClusterForPortOrUDS for a sidecar in the default (preserve original source) mode:
   * "inbound|8080||", ORIGINAL_DST, CLUSTER_PROVIDED, bound to 127.0.0.6.
   */
  public static Cluster inboundPortCluster(int port) {
    return originalDstBound(IstiodNames.inboundCluster(port));
  }

  private static Cluster originalDstBound(String name) {
    return Cluster.newBuilder().setName(name).setType(Cluster.DiscoveryType.ORIGINAL_DST)
        .setConnectTimeout(CONNECT_TIMEOUT).setLbPolicy(Cluster.LbPolicy.CLUSTER_PROVIDED)
        .setUpstreamBindConfig(BindConfig.newBuilder()
            .setSourceAddress(Protos.socketAddress(IstiodNames.INBOUND_PASSTHROUGH_BIND, 0)))
        .build();
  }
}
