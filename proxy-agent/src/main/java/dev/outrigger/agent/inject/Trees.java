package dev.outrigger.agent.inject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed access to the JSON/YAML trees (maps, lists, scalars) that both YAML and JSON readers
 * produce, so one transformation serves kube-inject and the webhook.
 */
final class Trees {
  private Trees() {}

  /** An insertion-ordered map from alternating keys and values; null values are left out. */
  static Map<String, Object> obj(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      if (keysAndValues[i + 1] != null) {
        map.put((String) keysAndValues[i], keysAndValues[i + 1]);
      }
    }
    return map;
  }

  /** The child object at {@code key}, or null when absent; fails when it is not an object. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> child(Map<String, Object> parent, String key) {
    Object value = parent == null ? null : parent.get(key);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Map)) {
      throw new InjectionException(key + " is not an object");
    }
    return (Map<String, Object>) value;
  }

  /** The child object at {@code key}, created empty when absent. */
  static Map<String, Object> childOrCreate(Map<String, Object> parent, String key) {
    Map<String, Object> existing = child(parent, key);
    if (existing != null) {
      return existing;
    }
    Map<String, Object> created = new LinkedHashMap<>();
    parent.put(key, created);
    return created;
  }

  /** The list of objects at {@code key}, empty when absent; fails when it is not a list of objects. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> objects(Map<String, Object> parent, String key) {
    Object value = parent == null ? null : parent.get(key);
    if (value == null) {
      return new ArrayList<>();
    }
    if (!(value instanceof List) || ((List<Object>) value).stream().anyMatch(item -> !(item instanceof Map))) {
      throw new InjectionException(key + " is not a list of objects");
    }
    return new ArrayList<>((List<Map<String, Object>>) value);
  }

  /** The scalar at {@code key} as text, or null when absent. */
  static String text(Map<String, Object> parent, String key) {
    Object value = parent == null ? null : parent.get(key);
    return value == null ? null : String.valueOf(value);
  }

  /** A map's entries with scalar values as text (annotations and labels). */
  static Map<String, String> strings(Map<String, Object> map) {
    Map<String, String> out = new LinkedHashMap<>();
    if (map != null) {
      map.forEach((k, v) -> out.put(k, v == null ? "" : String.valueOf(v)));
    }
    return out;
  }
}
