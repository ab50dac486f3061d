package dev.outrigger.agent.inject;

import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The fields of Istio's {@code proxy.istio.io/config} (a ProxyConfig in YAML or JSON) that
 * injection uses; the others concern Envoy and istiod and are ignored.
 *
 * @param holdApplicationUntilProxyStarts null when not set
 * @param interceptionMode null when not set
 */
record ProxyConfigAnnotation(Boolean holdApplicationUntilProxyStarts, String interceptionMode) {
  static final ProxyConfigAnnotation NONE = new ProxyConfigAnnotation(null, null);

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
    Object hold = map.get("holdApplicationUntilProxyStarts");
    Boolean holdValue = null;
    if (hold != null) {
      holdValue = AnnotationValues.bool(Annotations.PROXY_CONFIG + " holdApplicationUntilProxyStarts", String.valueOf(hold));
    }
    Object mode = map.get("interceptionMode");
    return new ProxyConfigAnnotation(holdValue, mode == null ? null : String.valueOf(mode));
  }
}
