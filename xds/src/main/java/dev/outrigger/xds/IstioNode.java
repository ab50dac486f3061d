package dev.outrigger.xds;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.core.v3.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The xDS node a sidecar presents to istiod, built from the pod's environment by pilot-agent's
 * contract (pkg/istio-agent and pkg/bootstrap): id {@code sidecar~<ip>~<pod>.<ns>~<ns>.svc.<domain>},
 * every {@code ISTIO_META_*} variable as metadata under the rest of its name, {@code ISTIO_METAJSON_*}
 * objects merged in, and the typed fields istiod reads (NAME, NAMESPACE, LABELS, INSTANCE_IPS,
 * SERVICE_ACCOUNT, WORKLOAD_NAME, OWNER, PROXY_CONFIG). istiod keys its configuration on these.
 */
public final class IstioNode {
  /** The Istio release whose sidecar configuration this proxy is built to interpret (k8s/kind/e2e-istiod.sh pins it). */
  public static final String INTERPRETED_ISTIO_VERSION = "1.30.3";
  private static final String META = "ISTIO_META_";
  private static final String META_JSON = "ISTIO_METAJSON_";

  private IstioNode() {}

  /**
   * @param env the process environment
   * @param podLabels the pod's labels (the downward-API file istio-agent reads), added over
   *     ISTIO_METAJSON_LABELS as pilot-agent adds them
   * @param clusterDomain the cluster's DNS domain (Kubernetes' default: cluster.local)
   * @throws IllegalArgumentException naming the variable that is missing or malformed
   */
  public static Node fromEnvironment(Map<String, String> env, Map<String, String> podLabels, String clusterDomain) {
    String ip = required(env, "INSTANCE_IP");
    String pod = required(env, "POD_NAME");
    String namespace = required(env, "POD_NAMESPACE");
    String domain = namespace + ".svc." + clusterDomain;
    Struct.Builder metadata = Struct.newBuilder();
    for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
      String key = e.getKey();
      if (key.startsWith(META_JSON)) {
        mergeJson(metadata, key, e.getValue());
      } else if (key.startsWith(META) && !key.startsWith("ISTIO_META_WORKLOAD")) {
        metadata.putFields(key.substring(META.length()), text(e.getValue()));
      }
    }
    put(metadata, "NAME", pod);
    put(metadata, "NAMESPACE", namespace);
    put(metadata, "WORKLOAD_NAME", env.get("ISTIO_META_WORKLOAD_NAME"));
    put(metadata, "SERVICE_ACCOUNT", env.get("SERVICE_ACCOUNT"));
    metadata.putFields("INSTANCE_IPS", text(String.join(",", instanceIps(env, ip))));
    metadata.putFields("SDS", text("true"));
    if (!metadata.containsFields("ISTIO_VERSION")) {
      // istiod shapes a proxy's config by this version (and warns when it is missing, treating
      // the proxy as the newest); announce the release whose sidecar configuration we interpret.
      metadata.putFields("ISTIO_VERSION", text(INTERPRETED_ISTIO_VERSION));
    }
    if (!podLabels.isEmpty()) {
      Struct.Builder labels = metadata.containsFields("LABELS")
          ? metadata.getFieldsOrThrow("LABELS").getStructValue().toBuilder() : Struct.newBuilder();
      podLabels.forEach((k, v) -> labels.putFields(k, text(v)));
      metadata.putFields("LABELS", Value.newBuilder().setStructValue(labels).build());
    }
    String proxyConfig = env.get("PROXY_CONFIG");
    if (proxyConfig != null && !proxyConfig.isBlank()) {
      metadata.putFields("PROXY_CONFIG", Value.newBuilder().setStructValue(parseObject("PROXY_CONFIG", proxyConfig)).build());
    }
    return Node.newBuilder()
        .setId("sidecar~" + ip + "~" + pod + "." + namespace + "~" + domain)
        .setCluster(serviceCluster(env, metadata, namespace))
        .setMetadata(metadata)
        .build();
  }

  /** INSTANCE_IP first, then the pod's other addresses (ISTIO_META_INSTANCE_IPS when set, dual stack). */
  private static List<String> instanceIps(Map<String, String> env, String ip) {
    List<String> ips = new ArrayList<>(List.of(ip));
    for (String other : env.getOrDefault("ISTIO_META_INSTANCE_IPS", "").split(",")) {
      if (!other.isBlank() && !ips.contains(other.trim())) {
        ips.add(other.trim());
      }
    }
    return ips;
  }

  /** Envoy's service cluster as Istio names it: the canonical app name (or workload) dot namespace. */
  private static String serviceCluster(Map<String, String> env, Struct.Builder metadata, String namespace) {
    String app = null;
    if (metadata.containsFields("LABELS")) {
      Map<String, Value> labels = metadata.getFieldsOrThrow("LABELS").getStructValue().getFieldsMap();
      for (String key : List.of("service.istio.io/canonical-name", "app.kubernetes.io/name", "app")) {
        if (labels.containsKey(key)) {
          app = labels.get(key).getStringValue();
          break;
        }
      }
    }
    if (app == null) {
      app = env.getOrDefault("ISTIO_META_WORKLOAD_NAME", "istio-proxy");
    }
    return app + "." + namespace;
  }

  private static void mergeJson(Struct.Builder metadata, String key, String json) {
    // The name after the prefix is ignored (pilot-agent's contract); LABELS is the one object kept whole.
    Struct object = parseObject(key, json);
    if (key.equals("ISTIO_METAJSON_LABELS")) {
      metadata.putFields("LABELS", Value.newBuilder().setStructValue(object).build());
    } else {
      metadata.putAllFields(object.getFieldsMap());
    }
  }

  private static Struct parseObject(String key, String json) {
    Struct.Builder object = Struct.newBuilder();
    try {
      JsonFormat.parser().merge(json, object);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(key + "='" + json + "' (expected: a JSON object): " + e.getMessage(), e);
    }
    return object.build();
  }

  private static String required(Map<String, String> env, String key) {
    String value = env.get(key);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(key + " is not set (expected: set by the injector from the pod)");
    }
    return value.trim();
  }

  private static void put(Struct.Builder metadata, String key, String value) {
    if (value != null && !value.isBlank()) {
      metadata.putFields(key, text(value));
    }
  }

  private static Value text(String value) {
    return Value.newBuilder().setStringValue(value).build();
  }
}
