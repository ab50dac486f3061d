package dev.outrigger.xds.istiod;

import com.google.protobuf.Struct;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import java.util.List;

/** The ClusterLoadAssignments istiod's EDS sends (pilot/pkg/xds/endpoints, networking/util/util.go). */
public final class IstiodEndpoints {
  /** model.IstioMutualTLSModeLabel's value: the endpoint metadata transport_socket_matches reads. */
  public static final String TLS_MODE_ISTIO = "istio";

  private IstiodEndpoints() {}

  /**
   * util.go AppendLbEndpointMetadata's workload label:
   * "workload;namespace;canonical service;canonical revision;cluster id".
   */
  public static String workloadLabel(String workload, String namespace, String app, String version, String clusterId) {
    return String.join(";", workload, namespace, app, version, clusterId);
  }

  /**
   * One endpoint, HEALTHY with weight 1 and the istio "workload" metadata; a meshed one (its pod
   * labelled security.istio.io/tlsMode=istio) also carries filter_metadata
   * "envoy.transport_socket_match" {tlsMode: istio}, which selects the cluster's tlsMode-istio
   * transport socket.
   */
  public static LbEndpoint lbEndpoint(String ip, int port, String workloadLabel, boolean meshed) {
    Metadata.Builder metadata = Metadata.newBuilder().putFilterMetadata("istio", Struct.newBuilder()
        .putFields("workload", Protos.text(workloadLabel)).build());
    if (meshed) {
      metadata.putFilterMetadata("envoy.transport_socket_match", Struct.newBuilder()
          .putFields("tlsMode", Protos.text(TLS_MODE_ISTIO)).build());
    }
    return LbEndpoint.newBuilder()
        .setEndpoint(Endpoint.newBuilder().setAddress(Protos.address(ip, port)))
        .setHealthStatus(HealthStatus.HEALTHY)
        .setLoadBalancingWeight(UInt32Value.of(1))
        .setMetadata(metadata)
        .build();
  }

  /**
   * A cluster's endpoints in one locality group (no topology labels) weighted by its endpoint
   * count; no group at all when there are no endpoints.
   */
  public static ClusterLoadAssignment loadAssignment(String clusterName, List<LbEndpoint> endpoints) {
    ClusterLoadAssignment.Builder cla = ClusterLoadAssignment.newBuilder().setClusterName(clusterName);
    if (!endpoints.isEmpty()) {
      cla.addEndpoints(LocalityLbEndpoints.newBuilder()
          .setLoadBalancingWeight(UInt32Value.of(endpoints.size()))
          .addAllLbEndpoints(endpoints));
    }
    return cla.build();
  }
}
