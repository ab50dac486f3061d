package dev.outrigger.core.telemetry;

import java.util.Map;
import java.util.Optional;

/**
 * The destination of an outbound request as the mesh configuration names it: the service from an
 * Istio cluster name ({@code outbound|9080|v1|reviews.default.svc.cluster.local}) and the workload
 * from the chosen endpoint's metadata, which istiod writes as
 * {@code name;namespace;canonical service;canonical revision;cluster} (istio "workload" metadata).
 * Istio's stats filter falls back to exactly these when there is no metadata exchange.
 */
record MeshDestination(String service, String serviceName, String serviceNamespace, String workload,
    String workloadNamespace, String canonicalService, String canonicalRevision, String cluster) {
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
    String[] w = endpointMetadata.getOrDefault("workload", "").split(";", -1);
    boolean known = w.length == 5 && !w[0].isEmpty();
    return Optional.of(new MeshDestination(host, name, namespace,
        known ? w[0] : UNKNOWN, known ? w[1] : UNKNOWN,
        known ? w[2] : UNKNOWN, known ? w[3] : "latest", known ? w[4] : UNKNOWN));
  }
}
