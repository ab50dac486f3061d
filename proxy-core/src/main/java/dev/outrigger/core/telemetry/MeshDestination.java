package dev.outrigger.core.telemetry;

import dev.outrigger.core.peer.PeerMetadata;
import java.util.Map;
import java.util.Optional;

/**
 * The destination of an outbound request as the mesh configuration names it: the service from an
 * Istio cluster name ({@code outbound|9080|v1|reviews.default.svc.cluster.local}) and the workload
 * from the chosen endpoint's metadata, which istiod writes as
 * {@code name;namespace;canonical service;canonical revision;cluster} (istio "workload" metadata).
 * Istio's stats filter falls back to that workload when the server sent none in the metadata
 * exchange (istio/proxy istio_stats, extractEndpointMetadata).
 *
 * @param endpoint the endpoint's workload, or null when istiod gave it none
 */
record MeshDestination(String service, String serviceName, String serviceNamespace, PeerMetadata endpoint) {
  private static final String UNKNOWN = WorkloadIdentity.UNKNOWN;

  /** The destination for a request to {@code cluster}, if that is a service cluster. */
  static Optional<MeshDestination> of(String cluster, Map<String, String> endpointMetadata) {
    if (cluster == null || !cluster.startsWith("outbound|")) {
      return Optional.empty();
    }
    String[] parts = cluster.split("\\|", -1);
    if (parts.length != 4 || parts[3].isEmpty()) {
      return Optional.empty();
    }
    String host = parts[3];
    String[] labels = host.split("\\.");
    String name = labels[0];
    String namespace = labels.length >= 3 && labels[2].equals("svc") ? labels[1] : UNKNOWN;
    PeerMetadata endpoint = PeerMetadata.fromEndpoint(endpointMetadata.get("workload")).orElse(null);
    return Optional.of(new MeshDestination(host, name, namespace, endpoint));
  }
}
