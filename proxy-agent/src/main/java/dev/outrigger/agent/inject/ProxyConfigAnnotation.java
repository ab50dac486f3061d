package dev.outrigger.agent.inject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Istio's {@code proxy.istio.io/config} (a ProxyConfig in YAML or JSON): the fields injection
 * decides by, and all fields as given, which go into the sidecar's PROXY_CONFIG.
 *
 * @param holdApplicationUntilProxyStarts null when not set
 * @param interceptionMode null when not set
 * @param fields every top-level field, in the annotation's order; empty without the annotation
 */
record ProxyConfigAnnotation(Boolean holdApplicationUntilProxyStarts, String interceptionMode, Map<String, Object> fields) {
  static final ProxyConfigAnnotation NONE = new ProxyConfigAnnotation(null, null, Map.of());

  ProxyConfigAnnotation {
    fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }

  /**
   * proxyMetadata as container environment, by variable name (a Go template ranges over a map in key
   * order), as Istio's injection template writes it for istio-init and istio-proxy.
   */
  List<Map<String, Object>> metadataEnv() {
    List<Map<String, Object>> env = new ArrayList<>();
    if (fields.get("proxyMetadata") instanceof Map<?, ?> metadata) {
      Map<String, String> sorted = new TreeMap<>();
      metadata.forEach((name, value) -> sorted.put(String.valueOf(name), String.valueOf(value)));
      sorted.forEach((name, value) -> env.add(Trees.obj("name", name, "value", value)));
    }
    return env;
  }

  static ProxyConfigAnnotation parse(String value) {
    if (value == null || value.isBlank()) {
      return NONE;
    }
    Object tree;
    try {
      tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(value);
    } catch (YAMLException e) {
      throw AnnotationValues.bad(Annotations.PROXY_CONFIG, value, "a ProxyConfig in YAML or JSON");
    }
    if (tree == null) {
      return NONE;
    }
    if (!(tree instanceof Map<?, ?> map)) {
      throw AnnotationValues.bad(Annotations.PROXY_CONFIG, value, "a ProxyConfig object in YAML or JSON");
    }
    Map<String, Object> fields = new LinkedHashMap<>();
    map.forEach((k, v) -> fields.put(String.valueOf(k), v));
    Object hold = fields.get("holdApplicationUntilProxyStarts");
    Boolean holdValue = null;
    if (hold != null) {
      holdValue = AnnotationValues.bool(Annotations.PROXY_CONFIG + " holdApplicationUntilProxyStarts", String.valueOf(hold));
    }
    Object address = fields.get("discoveryAddress");
    if (address != null && !(address instanceof String)) {
      throw AnnotationValues.bad(Annotations.PROXY_CONFIG + " discoveryAddress", String.valueOf(address), "host:port");
    }
    Object metadata = fields.get("proxyMetadata");
    if (metadata != null && !(metadata instanceof Map)) {
      throw AnnotationValues.bad(Annotations.PROXY_CONFIG + " proxyMetadata", String.valueOf(metadata),
          "a map of variable names to values");
    }
    Object mode = fields.get("interceptionMode");
    return new ProxyConfigAnnotation(holdValue, mode == null ? null : String.valueOf(mode), fields);
  }
}
