package dev.outrigger.core.peer;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.util.Map;
import java.util.Optional;

/**
 * A workload as Istio's metadata exchange describes it (istio/proxy extensions/common
 * metadata_object: WorkloadMetadataObject). An absent value is the empty string, as there; the
 * metric labels turn it into {@code unknown} (or {@code latest} for a canonical revision).
 *
 * @param instanceName the pod (NAME)
 * @param clusterId CLUSTER_ID
 * @param namespace NAMESPACE
 * @param workloadName WORKLOAD_NAME
 * @param canonicalName the label service.istio.io/canonical-name
 * @param canonicalRevision the label service.istio.io/canonical-revision
 * @param appName the label app.kubernetes.io/name, else app
 * @param appVersion the label app.kubernetes.io/version, else version
 * @param workloadType the kind OWNER names for the workload (pod, deployment, job, cronjob), else empty
 * @param identity IDENTITY (a SPIFFE id; sidecars do not send one)
 * @param region REGION, else the node's locality
 * @param zone AVAILABILITY_ZONE, else the node's locality
 */
public record PeerMetadata(String instanceName, String clusterId, String namespace, String workloadName,
    String canonicalName, String canonicalRevision, String appName, String appVersion, String workloadType,
    String identity, String region, String zone) {
  static final String CANONICAL_NAME = "service.istio.io/canonical-name";
  static final String CANONICAL_REVISION = "service.istio.io/canonical-revision";
  private static final String OWNER_PREFIX = "kubernetes://apis/apps/v1/namespaces/";
  /** The kinds Istio's OWNER parsing recognises; anything else is an unknown type, sent without OWNER. */
  private static final java.util.Set<String> KNOWN_TYPES = java.util.Set.of("pod", "deployment", "job", "cronjob");

  public PeerMetadata {
    instanceName = orEmpty(instanceName);
    clusterId = orEmpty(clusterId);
    namespace = orEmpty(namespace);
    workloadName = orEmpty(workloadName);
    canonicalName = orEmpty(canonicalName);
    canonicalRevision = orEmpty(canonicalRevision);
    appName = orEmpty(appName);
    appVersion = orEmpty(appVersion);
    workloadType = KNOWN_TYPES.contains(workloadType) ? workloadType : "";
    identity = orEmpty(identity);
    region = orEmpty(region);
    zone = orEmpty(zone);
  }

  /**
   * Reads node metadata or a received exchange (istio/proxy convertStructToWorkloadMetadata): the
   * qualified app labels win over the short ones; other labels are not kept (Istio keeps only the
   * mesh's additional_labels, empty by default); a locality fills REGION and AVAILABILITY_ZONE only
   * where the Struct has none.
   */
  public static PeerMetadata fromStruct(Struct metadata, String localityRegion, String localityZone) {
    Map<String, Value> f = metadata.getFieldsMap();
    Map<String, Value> labels = f.containsKey("LABELS") ? f.get("LABELS").getStructValue().getFieldsMap() : Map.of();
    String workload = text(f, "WORKLOAD_NAME");
    String region = text(f, "REGION");
    String zone = text(f, "AVAILABILITY_ZONE");
    return new PeerMetadata(text(f, "NAME"), text(f, "CLUSTER_ID"), text(f, "NAMESPACE"), workload,
        text(labels, CANONICAL_NAME), text(labels, CANONICAL_REVISION),
        first(text(labels, "app.kubernetes.io/name"), text(labels, "app")),
        first(text(labels, "app.kubernetes.io/version"), text(labels, "version")),
        ownerType(text(f, "OWNER"), workload), text(f, "IDENTITY"),
        region.isEmpty() ? localityRegion : region, zone.isEmpty() ? localityZone : zone);
  }

  public static PeerMetadata fromStruct(Struct metadata) {
    return fromStruct(metadata, "", "");
  }

  /**
   * The endpoint metadata istiod writes for telemetry, {@code
   * workload;namespace;canonical name;canonical revision;cluster} (istio/proxy
   * convertEndpointMetadata): no app, version or identity. Empty with fewer than five parts.
   */
  public static Optional<PeerMetadata> fromEndpoint(String encoded) {
    String[] p = encoded == null ? new String[0] : encoded.split(";", -1);
    if (p.length < 5) {
      return Optional.empty();
    }
    return Optional.of(new PeerMetadata("", p[4], p[1], p[0], p[2], p[3], "", "", "", "", "", ""));
  }

  /**
   * What this workload sends (istio/proxy convertWorkloadMetadataToStruct): only the values it has,
   * LABELS always (maybe empty), OWNER rebuilt from the type.
   */
  public Struct toStruct() {
    Struct.Builder s = Struct.newBuilder();
    put(s, "NAME", instanceName);
    put(s, "NAMESPACE", namespace);
    put(s, "WORKLOAD_NAME", workloadName);
    put(s, "CLUSTER_ID", clusterId);
    put(s, "IDENTITY", identity);
    Struct.Builder labels = Struct.newBuilder();
    put(labels, CANONICAL_NAME, canonicalName);
    put(labels, CANONICAL_REVISION, canonicalRevision);
    put(labels, "app", appName);
    put(labels, "version", appVersion);
    s.putFields("LABELS", Value.newBuilder().setStructValue(labels).build());
    if (!workloadType.isEmpty()) {
      put(s, "OWNER", OWNER_PREFIX + namespace + "/" + workloadType + "s/" + workloadName);
    }
    put(s, "REGION", region);
    put(s, "AVAILABILITY_ZONE", zone);
    return s.build();
  }

  /** The kind in {@code .../<kind>s/<workload>} (istio/proxy parseOwner), else empty. */
  static String ownerType(String owner, String workload) {
    if (owner.length() <= workload.length() + 2) {
      return "";
    }
    String rest = owner.substring(0, owner.length() - workload.length() - 2);
    int slash = rest.lastIndexOf('/');
    return slash < 0 ? "" : rest.substring(slash + 1);
  }

  private static String text(Map<String, Value> fields, String key) {
    Value v = fields.get(key);
    return v == null ? "" : v.getStringValue();
  }

  private static String first(String preferred, String other) {
    return preferred.isEmpty() ? other : preferred;
  }

  private static void put(Struct.Builder s, String key, String value) {
    if (!value.isEmpty()) {
      s.putFields(key, Value.newBuilder().setStringValue(value).build());
    }
  }

  private static String orEmpty(String value) {
    return value == null ? "" : value;
  }
}
