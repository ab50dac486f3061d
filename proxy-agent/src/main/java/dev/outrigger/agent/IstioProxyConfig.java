package dev.outrigger.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The pod's effective ProxyConfig, merged as pilot-agent merges it (pilot/cmd/pilot-agent/config
 * ConstructProxyConfig): PROXY_CONFIG (the injector's JSON), then the pod's proxy.istio.io/config
 * annotation, then its sidecar.istio.io/discoveryAddress annotation; a field set later replaces
 * the one before. Only the fields given are kept: Istio's defaults are applied by the reader.
 *
 * @param fields the merged fields, as parsed
 * @param addressSource what set discoveryAddress, or null when nothing did
 */
record IstioProxyConfig(Map<String, Object> fields, String addressSource) {
  static final String ENV = "PROXY_CONFIG";
  static final String ANNOTATION = "proxy.istio.io/config";
  static final String DISCOVERY_ADDRESS_ANNOTATION = "sidecar.istio.io/discoveryAddress";
  private static final String DISCOVERY_ADDRESS = "discoveryAddress";

  IstioProxyConfig {
    fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }

  static IstioProxyConfig read(Map<String, String> env, PodInfo pod) {
    Map<String, Object> fields = new LinkedHashMap<>();
    String source = null;
    source = apply(fields, ENV, env.get(ENV), source);
    source = apply(fields, "pod annotation " + ANNOTATION, pod.annotations().get(ANNOTATION), source);
    String discoveryAnnotation = pod.annotations().get(DISCOVERY_ADDRESS_ANNOTATION);
    if (discoveryAnnotation != null) {
      fields.put(DISCOVERY_ADDRESS, discoveryAnnotation);
      source = "pod annotation " + DISCOVERY_ADDRESS_ANNOTATION;
    }
    return new IstioProxyConfig(fields, source);
  }

  private static String apply(Map<String, Object> fields, String key, String value, String source) {
    if (value == null || value.isBlank()) {
      return source;
    }
    Map<String, Object> over = parse(key, value);
    fields.putAll(over);
    return over.containsKey(DISCOVERY_ADDRESS) ? key : source;
  }

  /** The discovery address given, or null. */
  String discoveryAddress() {
    Object a = fields.get(DISCOVERY_ADDRESS);
    return a == null ? null : a.toString().trim();
  }

  /** NONE or MUTUAL_TLS (Istio's default). */
  String controlPlaneAuthPolicy() {
    String policy = String.valueOf(fields.getOrDefault("controlPlaneAuthPolicy", "MUTUAL_TLS")).trim();
    if (!policy.equals("NONE") && !policy.equals("MUTUAL_TLS")) {
      throw new ConfigException(ENV + " controlPlaneAuthPolicy='" + policy + "' (expected: NONE or MUTUAL_TLS)");
    }
    return policy;
  }

  /** proxyMetadata: variables the injector also sets on the container. */
  Map<String, String> proxyMetadata() {
    Map<String, String> out = new LinkedHashMap<>();
    if (fields.get("proxyMetadata") instanceof Map<?, ?> m) {
      m.forEach((k, v) -> {
        if (v != null) {
          out.put(String.valueOf(k), String.valueOf(v));
        }
      });
    }
    return out;
  }

  /** As JSON, with this discovery address: the node's PROXY_CONFIG metadata, as pilot-agent sends it. */
  String json(String discoveryAddress) {
    Map<String, Object> effective = new LinkedHashMap<>(fields);
    effective.put(DISCOVERY_ADDRESS, discoveryAddress);
    try {
      return new ObjectMapper().writeValueAsString(effective);
    } catch (JsonProcessingException e) {
      throw new ConfigException(ENV + ": cannot be written as JSON (" + e.getOriginalMessage() + ")");
    }
  }

  /** A ProxyConfig in JSON or YAML (YAML is a superset of JSON), as pilot-agent accepts it. */
  static Map<String, Object> parse(String key, String value) {
    Object tree;
    try {
      tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(value);
    } catch (YAMLException e) {
      throw new ConfigException(key + "='" + value + "' (expected: a ProxyConfig in JSON or YAML): "
          + e.getMessage().lines().findFirst().orElse(""));
    }
    if (tree == null) {
      return Map.of();
    }
    if (!(tree instanceof Map<?, ?> map)) {
      throw new ConfigException(key + "='" + value + "' (expected: a ProxyConfig object in JSON or YAML)");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    map.forEach((k, v) -> out.put(String.valueOf(k), v));
    Object address = out.get(DISCOVERY_ADDRESS);
    if (address != null && !(address instanceof String)) {
      throw new ConfigException(key + " " + DISCOVERY_ADDRESS + "=" + address + " (expected: host:port as a string)");
    }
    return out;
  }
}
