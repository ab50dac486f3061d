package dev.outrigger.core.telemetry;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.outrigger.core.peer.NodeMetadata;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who this sidecar's pod is, in the values of Istio's metric labels: the own side of every series
 * (source_* when reporting outbound, destination_* inbound). Read once from the environment Istio's
 * injector gives the proxy container; a value that cannot be found is {@value #UNKNOWN}, as Istio
 * reports missing information.
 *
 * @param workload {@code ISTIO_META_WORKLOAD_NAME}, else the pod name without its ReplicaSet hash
 *     and random suffix ({@code reviews-v1-5f7b8c9d4-x2x4z} is {@code reviews-v1})
 * @param namespace {@code POD_NAMESPACE}
 * @param app {@code ISTIO_META_APP}, else the pod label {@code app} (or {@code app.kubernetes.io/name})
 * @param version {@code ISTIO_META_VERSION}, else the label {@code version} (or {@code app.kubernetes.io/version})
 * @param canonicalService the label {@code service.istio.io/canonical-name}, else the app, else the workload
 * @param canonicalRevision the label {@code service.istio.io/canonical-revision}, else the version, else {@code latest}
 * @param cluster {@code ISTIO_META_CLUSTER_ID} (the injector's default is {@code Kubernetes})
 * @param node this proxy's xDS node, which the HTTP metadata exchange sends to peers; null without
 *     a control plane (then nothing is exchanged)
 */
public record WorkloadIdentity(
    String workload, String namespace, String app, String version, String canonicalService,
    String canonicalRevision, String cluster, NodeMetadata node) {

  public WorkloadIdentity(String workload, String namespace, String app, String version, String canonicalService,
      String canonicalRevision, String cluster) {
    this(workload, namespace, app, version, canonicalService, canonicalRevision, cluster, null);
  }

  /** This identity, exchanging {@code node} with its HTTP peers. */
  public WorkloadIdentity withNode(NodeMetadata value) {
    return new WorkloadIdentity(workload, namespace, app, version, canonicalService, canonicalRevision, cluster, value);
  }

  public static final String UNKNOWN = "unknown";
  /** Pod labels as JSON, as older injectors pass them (pilot-agent reads ISTIO_METAJSON_*). */
  public static final String LABELS_JSON = "ISTIO_METAJSON_LABELS";

  // Kubernetes names generated parts with this alphabet (no vowels, no 0, 1, 3): a Deployment's
  // pod is <deployment>-<pod-template-hash>-<5 chars>; a DaemonSet's or Job's <name>-<5 chars>.
  private static final String GENERATED = "[bcdfghjklmnpqrstvwxz2456789]";
  private static final Pattern DEPLOYMENT_POD = Pattern.compile("(.+)-" + GENERATED + "{6,10}-" + GENERATED + "{5}");
  private static final Pattern GENERATED_POD = Pattern.compile("(.+)-" + GENERATED + "{5}");
  private static final Pattern STATEFUL_SET_POD = Pattern.compile("(.+)-\\d+");

  /** Everything unknown: for tests and for a proxy outside Kubernetes. */
  public static WorkloadIdentity unknown() {
    return new WorkloadIdentity(UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, "latest", UNKNOWN);
  }

  /** Reads POD_NAME, POD_NAMESPACE, ISTIO_META_WORKLOAD_NAME, ISTIO_META_APP/VERSION/CLUSTER_ID and the labels. */
  public static WorkloadIdentity fromEnvironment(Map<String, String> env) {
    return fromEnvironment(env, Map.of());
  }

  /**
   * As {@link #fromEnvironment(Map)}, with the pod's labels from the injector's downward-API file
   * (where Istio's injector puts them; it no longer sets ISTIO_METAJSON_LABELS) over the JSON ones.
   */
  public static WorkloadIdentity fromEnvironment(Map<String, String> env, Map<String, String> podLabels) {
    Map<String, String> labels = labels(env.get(LABELS_JSON));
    labels.putAll(podLabels);
    String workload = first(env.get("ISTIO_META_WORKLOAD_NAME"), workloadOfPod(env.get("POD_NAME")));
    String app = first(env.get("ISTIO_META_APP"), labels.get("app"), labels.get("app.kubernetes.io/name"));
    String version = first(env.get("ISTIO_META_VERSION"), labels.get("version"), labels.get("app.kubernetes.io/version"));
    return new WorkloadIdentity(
        orUnknown(workload),
        orUnknown(env.get("POD_NAMESPACE")),
        orUnknown(app),
        orUnknown(version),
        orUnknown(first(labels.get("service.istio.io/canonical-name"), app, workload)),
        first(labels.get("service.istio.io/canonical-revision"), version, "latest"),
        orUnknown(env.get("ISTIO_META_CLUSTER_ID")));
  }

  /** The workload a pod belongs to, from its generated name; null without a pod name. */
  static String workloadOfPod(String podName) {
    if (podName == null || podName.isBlank()) {
      return null;
    }
    for (Pattern p : new Pattern[] {DEPLOYMENT_POD, GENERATED_POD, STATEFUL_SET_POD}) {
      Matcher m = p.matcher(podName);
      if (m.matches()) {
        return m.group(1);
      }
    }
    return podName;
  }

  /** The pod labels from ISTIO_METAJSON_LABELS; empty when absent or not a JSON object of strings. */
  static Map<String, String> labels(String json) {
    Map<String, String> labels = new HashMap<>();
    if (json == null || json.isBlank()) {
      return labels;
    }
    try (JsonParser p = new JsonFactory().createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return labels;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        if (p.nextToken() == JsonToken.VALUE_STRING) {
          labels.put(key, p.getText());
        } else {
          p.skipChildren();
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(LABELS_JSON + ": not a JSON object (" + e.getMessage() + ")");
    }
    return labels;
  }

  private static String first(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v.trim();
      }
    }
    return null;
  }

  private static String orUnknown(String value) {
    return value == null ? UNKNOWN : value;
  }
}
