package dev.outrigger.agent.inject;

import java.util.List;
import java.util.Map;

/** Removes what an earlier injection added, as its status annotation lists it (Istio's stripPod). */
final class PreviousInjection {
  private PreviousInjection() {}

  static void remove(PodTemplate pod, InjectionStatus status) {
    pod.setContainers(without(pod.containers(), status.containers()));
    pod.setInitContainers(without(pod.initContainers(), status.initContainers()));
    pod.setVolumes(without(pod.volumes(), status.volumes()));
    Map<String, String> current = pod.annotations();
    // An added annotation someone has edited since is theirs now: it stays and is honoured.
    status.annotations().forEach((key, value) -> {
      if (value.equals(current.get(key))) {
        pod.removeAnnotation(key);
      }
    });
    pod.removeAnnotation(Annotations.STATUS);
  }

  private static List<Map<String, Object>> without(List<Map<String, Object>> items, List<String> names) {
    return items.stream().filter(item -> !names.contains(Trees.text(item, "name"))).toList();
  }
}
