package dev.outrigger.agent.inject;

import java.util.List;
import java.util.Map;

/**
 * Removes an earlier injection before injecting again, as Istio's stripPod does: the containers
 * and init containers its {@code sidecar.istio.io/status} lists, and the status itself. Whoever
 * injected it (Istio or Outrigger), the result is the pod injection started from. Volumes stay and
 * are replaced by name when the sidecar's are added; annotations stay and are read as the pod's
 * own (Istio re-reads the ones its template wrote), so injecting twice gives the same pod.
 */
final class PreviousInjection {
  private PreviousInjection() {}

  static void remove(PodTemplate pod, InjectionStatus status) {
    // In place, even when left empty: injecting again then writes the lists where they were, and the pod's
    // text comes out the same.
    pod.setContainers(without(pod.containers(), status.containers()));
    if (pod.spec().containsKey("initContainers")) {
      pod.spec().put("initContainers", without(pod.initContainers(), status.initContainers()));
    }
    pod.removeAnnotation(Annotations.STATUS);
  }

  private static List<Map<String, Object>> without(List<Map<String, Object>> items, List<String> names) {
    return items.stream().filter(item -> !names.contains(Trees.text(item, "name"))).toList();
  }
}
