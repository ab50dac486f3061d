package dev.outrigger.agent.inject;

import java.util.List;
import java.util.Map;

/**
 * A pod, or the pod template of a workload: its metadata and spec as a mutable tree, with the
 * accessors injection needs. Changes write through to the tree it was made from.
 */
final class PodTemplate {
  private final Map<String, Object> tree;
  private final String workloadName;

  /** @param workloadName the workload's name as Istio's injector names it (its DeploymentMeta), or null */
  PodTemplate(Map<String, Object> tree, String workloadName) {
    this.tree = tree;
    this.workloadName = workloadName;
  }

  /** The name of the workload this pod belongs to, or null when none can be told (ISTIO_META_WORKLOAD_NAME). */
  String workloadName() {
    return workloadName;
  }

  Map<String, String> annotations() {
    return Trees.strings(Trees.child(Trees.child(tree, "metadata"), "annotations"));
  }

  Map<String, String> labels() {
    return Trees.strings(Trees.child(Trees.child(tree, "metadata"), "labels"));
  }

  void setAnnotation(String key, String value) {
    Trees.childOrCreate(Trees.childOrCreate(tree, "metadata"), "annotations").put(key, value);
  }

  void setLabel(String key, String value) {
    Trees.childOrCreate(Trees.childOrCreate(tree, "metadata"), "labels").put(key, value);
  }

  /** Puts the annotations named in {@code order} first, in that order; the others follow as they were. */
  void orderAnnotations(List<String> order) {
    Map<String, Object> annotations = Trees.child(Trees.child(tree, "metadata"), "annotations");
    if (annotations == null) {
      return;
    }
    Map<String, Object> ordered = new java.util.LinkedHashMap<>();
    for (String key : order) {
      if (annotations.containsKey(key)) {
        ordered.put(key, annotations.get(key));
      }
    }
    ordered.putAll(annotations);
    annotations.clear();
    annotations.putAll(ordered);
  }

  void removeAnnotation(String key) {
    Map<String, Object> annotations = Trees.child(Trees.child(tree, "metadata"), "annotations");
    if (annotations != null) {
      annotations.remove(key);
    }
  }

  Map<String, Object> spec() {
    Map<String, Object> spec = Trees.child(tree, "spec");
    if (spec == null) {
      throw new InjectionException("the pod has no spec");
    }
    return spec;
  }

  List<Map<String, Object>> containers() {
    return Trees.objects(spec(), "containers");
  }

  List<Map<String, Object>> initContainers() {
    return Trees.objects(spec(), "initContainers");
  }

  List<Map<String, Object>> volumes() {
    return Trees.objects(spec(), "volumes");
  }

  void setContainers(List<Map<String, Object>> containers) {
    spec().put("containers", containers);
  }

  /** Sets the list, or removes the field when empty (as the pod had it before injection). */
  void setInitContainers(List<Map<String, Object>> initContainers) {
    putOrRemove("initContainers", initContainers);
  }

  void setVolumes(List<Map<String, Object>> volumes) {
    putOrRemove("volumes", volumes);
  }

  boolean hostNetwork() {
    return Boolean.parseBoolean(Trees.text(spec(), "hostNetwork"));
  }

  /** The uid a container runs as when it says so, its own setting over the pod's; null when unset. */
  String runAsUser(Map<String, Object> container) {
    String own = Trees.text(Trees.child(container, "securityContext"), "runAsUser");
    return own != null ? own : Trees.text(Trees.child(spec(), "securityContext"), "runAsUser");
  }

  private void putOrRemove(String key, List<Map<String, Object>> list) {
    if (list.isEmpty()) {
      spec().remove(key);
    } else {
      spec().put(key, list);
    }
  }
}
