package dev.outrigger.agent.inject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Kubernetes strategic merge of one container over another, as Istio applies a pod's own
 * istio-proxy / istio-init container over the injected one (webhook.go applyContainer): objects
 * merge field by field, the lists Kubernetes merges by key (env by name, ports by containerPort,
 * volumeMounts by mountPath, volumeDevices by devicePath, resizePolicy by resourceName) merge item
 * by item, any other value (args, command, capabilities lists, scalars) is replaced.
 */
final class ContainerMerge {
  private static final Map<String, String> MERGE_KEYS = Map.of(
      "env", "name",
      "ports", "containerPort",
      "volumeMounts", "mountPath",
      "volumeDevices", "devicePath",
      "resizePolicy", "resourceName");

  private ContainerMerge() {}

  /** {@code base} with {@code overlay} merged over it; neither is changed. */
  static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> overlay) {
    return mergeObjects(base, overlay, true);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> mergeObjects(Map<String, Object> base, Map<String, Object> overlay,
      boolean container) {
    Map<String, Object> out = new LinkedHashMap<>(base);
    overlay.forEach((key, value) -> {
      Object old = out.get(key);
      if (value == null) {
        out.remove(key);
      } else if (value instanceof Map<?, ?> map && old instanceof Map<?, ?> oldMap) {
        out.put(key, mergeObjects((Map<String, Object>) oldMap, (Map<String, Object>) map, false));
      } else if (container && MERGE_KEYS.containsKey(key) && value instanceof List<?> list && old instanceof List<?> oldList) {
        out.put(key, mergeByKey((List<Object>) oldList, (List<Object>) list, MERGE_KEYS.get(key)));
      } else {
        out.put(key, value);
      }
    });
    return out;
  }

  /** Items with the same key merge in place; the overlay's new items follow, in its order. */
  @SuppressWarnings("unchecked")
  private static List<Object> mergeByKey(List<Object> base, List<Object> overlay, String key) {
    List<Object> out = new ArrayList<>(base);
    for (Object item : overlay) {
      int at = indexOf(out, key, item);
      if (at >= 0 && item instanceof Map<?, ?> patch) {
        out.set(at, mergeObjects((Map<String, Object>) out.get(at), (Map<String, Object>) patch, false));
      } else {
        out.add(item);
      }
    }
    return out;
  }

  private static int indexOf(List<Object> items, String key, Object item) {
    if (!(item instanceof Map<?, ?> wanted) || wanted.get(key) == null) {
      return -1;
    }
    for (int i = 0; i < items.size(); i++) {
      if (items.get(i) instanceof Map<?, ?> m && String.valueOf(wanted.get(key)).equals(String.valueOf(m.get(key)))) {
        return i;
      }
    }
    return -1;
  }
}
