package dev.outrigger.agent.inject;

import static dev.outrigger.agent.inject.Trees.obj;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The proxy's environment for istiod, as Istio's injection template writes it: PROXY_CONFIG,
 * ISTIO_META_POD_PORTS, ISTIO_META_APP_CONTAINERS, ISTIO_META_CLUSTER_ID, ISTIO_META_NODE_NAME
 * (before ISTIO_META_INTERCEPTION_MODE), then ISTIO_META_WORKLOAD_NAME, ISTIO_META_MESH_ID and
 * TRUST_DOMAIN (after it). Built from the pod as it is before injection.
 *
 * @param leading the variables the template puts before ISTIO_META_INTERCEPTION_MODE
 * @param trailing the variables it puts after
 */
record IstiodEnvironment(List<Map<String, Object>> leading, List<Map<String, Object>> trailing) {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The pod label that names the workload instead of its controller (Istio's). */
  static final String WORKLOAD_NAME_LABEL = "service.istio.io/workload-name";

  IstiodEnvironment {
    leading = List.copyOf(leading);
    trailing = List.copyOf(trailing);
  }

  static IstiodEnvironment of(IstiodSettings istiod, PodTemplate pod, PodOptions options) {
    List<Map<String, Object>> leading = new ArrayList<>();
    leading.add(value("PROXY_CONFIG", proxyConfig(istiod.discoveryAddress(), options.proxyConfig())));
    leading.add(value("ISTIO_META_POD_PORTS", podPorts(pod.containers())));
    leading.add(value("ISTIO_META_APP_CONTAINERS",
        String.join(",", pod.containers().stream().map(c -> Trees.text(c, "name")).toList())));
    leading.add(value("ISTIO_META_CLUSTER_ID", istiod.clusterId()));
    leading.add(obj("name", "ISTIO_META_NODE_NAME", "valueFrom", obj("fieldRef", obj("fieldPath", "spec.nodeName"))));
    List<Map<String, Object>> trailing = new ArrayList<>();
    String workload = pod.labels().getOrDefault(WORKLOAD_NAME_LABEL, "");
    if (workload.isEmpty()) {
      workload = pod.workloadName() == null ? "" : pod.workloadName();
    }
    if (!workload.isEmpty()) {
      trailing.add(value("ISTIO_META_WORKLOAD_NAME", workload));
    }
    trailing.add(value("ISTIO_META_MESH_ID", istiod.meshId()));
    trailing.add(value("TRUST_DOMAIN", istiod.trustDomain()));
    return new IstiodEnvironment(leading, trailing);
  }

  /**
   * The injector's ProxyConfig (only its discovery address) with the pod's proxy.istio.io/config
   * laid over it as Istio merges them (pkg/config/mesh MergeProxyConfig): a field the annotation
   * sets replaces the injector's, proxyMetadata is merged by variable. JSON, as protoToJSON writes it.
   */
  static String proxyConfig(String discoveryAddress, ProxyConfigAnnotation annotation) {
    Map<String, Object> merged = new LinkedHashMap<>();
    merged.put("discoveryAddress", discoveryAddress);
    merged.putAll(annotation.fields());
    return json(merged);
  }

  /**
   * The app containers' ports as the template lists them: one JSON object per port, its fields in
   * Kubernetes' ContainerPort order with empty ones left out, laid out as the template lays them out.
   */
  static String podPorts(List<Map<String, Object>> containers) {
    List<String> ports = new ArrayList<>();
    for (Map<String, Object> container : containers) {
      for (Map<String, Object> port : Trees.objects(container, "ports")) {
        Map<String, Object> fields = new LinkedHashMap<>();
        putUnlessEmpty(fields, "name", port.get("name"));
        putUnlessEmpty(fields, "hostPort", port.get("hostPort"));
        fields.put("containerPort", port.get("containerPort"));
        putUnlessEmpty(fields, "protocol", port.get("protocol"));
        putUnlessEmpty(fields, "hostIP", port.get("hostIP"));
        ports.add(json(fields));
      }
    }
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < ports.size(); i++) {
      out.append("\n    ").append(i == 0 ? "" : ",").append(ports.get(i));
    }
    return out.append("\n]").toString();
  }

  /** Go's omitempty: absent, "" and 0 are left out. */
  private static void putUnlessEmpty(Map<String, Object> fields, String key, Object value) {
    if (value != null && !"".equals(value) && !Integer.valueOf(0).equals(value)) {
      fields.put(key, value);
    }
  }

  private static Map<String, Object> value(String name, String value) {
    return obj("name", name, "value", value);
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new InjectionException("cannot write " + value + " as JSON: " + e.getOriginalMessage());
    }
  }
}
