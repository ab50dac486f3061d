package dev.outrigger.agent.inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pod's own istio-proxy and istio-init containers, which Istio merges over the ones it injects
 * (webhook.go reapplyOverwrittenContainers): a user customises the sidecar by declaring a container
 * of that name with only the fields to change; {@code image: auto} keeps the injected image. They
 * are recorded in {@code proxy.istio.io/overrides} on first injection, and read from there when the
 * pod is injected again (its istio-proxy is then the injected one, listed in its status).
 *
 * @param byName the overlays by container name
 */
record ProxyOverrides(Map<String, Map<String, Object>> byName) {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Istio's marker for "the injector's image". */
  static final String AUTO_IMAGE = "auto";
  static final List<String> NAMES = List.of(ProxyContainer.NAME, InitContainer.NAME);

  ProxyOverrides {
    byName = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(byName));
  }

  /**
   * Takes the overrides out of the pod: those recorded in its annotation, then its own containers of
   * those names that {@code previous} (the earlier injection's status, or null) does not list as
   * injected. The pod's own such containers are removed; the merged ones replace them.
   */
  static ProxyOverrides take(PodTemplate pod, InjectionStatus previous) {
    Map<String, Map<String, Object>> byName = new LinkedHashMap<>(recorded(pod.annotations().get(Annotations.OVERRIDES)));
    List<String> injected = new ArrayList<>();
    if (previous != null) {
      injected.addAll(previous.containers());
      injected.addAll(previous.initContainers());
    }
    List<Map<String, Object>> all = new ArrayList<>(pod.containers());
    all.addAll(pod.initContainers());
    for (Map<String, Object> c : all) {
      String name = Trees.text(c, "name");
      if (NAMES.contains(name) && !injected.contains(name)) {
        byName.putIfAbsent(name, overlay(c));
      }
    }
    if (!byName.isEmpty()) {
      pod.setContainers(pod.containers().stream().filter(c -> !byName.containsKey(Trees.text(c, "name"))).toList());
      pod.setInitContainers(
          pod.initContainers().stream().filter(c -> !byName.containsKey(Trees.text(c, "name"))).toList());
    }
    return new ProxyOverrides(byName);
  }

  boolean isEmpty() {
    return byName.isEmpty();
  }

  Map<String, Object> get(String name) {
    return byName.get(name);
  }

  /** The injected container with the pod's own over it, when the pod has one. */
  Map<String, Object> apply(Map<String, Object> injected) {
    Map<String, Object> overlay = injected == null ? null : byName.get(Trees.text(injected, "name"));
    return overlay == null ? injected : ContainerMerge.merge(injected, overlay);
  }

  /** The annotation's value: each overlay under the list the injected container went to, as Istio writes it. */
  String toJson(List<String> initContainerNames) {
    Map<String, List<Map<String, Object>>> out = new LinkedHashMap<>();
    byName.forEach((name, overlay) -> out.computeIfAbsent(
        initContainerNames.contains(name) ? "initContainers" : "containers", k -> new ArrayList<>()).add(overlay));
    Map<String, Object> ordered = new LinkedHashMap<>();
    if (out.containsKey("containers")) {
      ordered.put("containers", out.get("containers"));
    }
    if (out.containsKey("initContainers")) {
      ordered.put("initContainers", out.get("initContainers"));
    }
    try {
      return JSON.writeValueAsString(ordered);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + ordered, e);
    }
  }

  private static Map<String, Object> overlay(Map<String, Object> container) {
    Map<String, Object> overlay = new LinkedHashMap<>(container);
    if (AUTO_IMAGE.equals(Trees.text(overlay, "image"))) {
      overlay.remove("image");
    }
    return overlay;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Map<String, Object>> recorded(String json) {
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    if (json == null) {
      return out;
    }
    Map<String, Object> tree;
    try {
      tree = JSON.readValue(json, Map.class);
    } catch (JsonProcessingException e) {
      // Istio fails the injection on a bad overrides annotation.
      throw AnnotationValues.bad(Annotations.OVERRIDES, json, "{\"containers\": [...], \"initContainers\": [...]}");
    }
    for (String list : List.of("containers", "initContainers")) {
      for (Map<String, Object> c : Trees.objects(tree, list)) {
        if (NAMES.contains(Trees.text(c, "name"))) {
          out.putIfAbsent(Trees.text(c, "name"), overlay(c));
        }
      }
    }
    return out;
  }
}
