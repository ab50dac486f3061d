package dev.outrigger.agent.inject;

import dev.outrigger.agent.AgentConfig;
import java.util.ArrayList;
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
    // The old proxy's environment holds the app's own probes and metrics annotations: put them back
    // first, so that injecting again (with whatever the pod's annotations now say) starts from the app.
    Map<String, String> oldEnv = proxyEnv(pod);
    if (oldEnv.containsKey(AppProbes.ENV)) {
      AppProbes.restore(pod, oldEnv.get(AppProbes.ENV));
    }
    PrometheusMerge.restore(pod, oldEnv.get(PrometheusMerge.ENV), agentPort(oldEnv));
    // In place, even when left empty: injecting again then writes the lists where they were, and the pod's
    // text comes out the same.
    pod.setContainers(without(pod.containers(), status.containers()));
    if (pod.spec().containsKey("initContainers")) {
      pod.spec().put("initContainers", without(pod.initContainers(), status.initContainers()));
    }
    pod.removeAnnotation(Annotations.STATUS);
  }

  /** The injected proxy's plain env values, by name; empty when it has none. */
  private static Map<String, String> proxyEnv(PodTemplate pod) {
    List<Map<String, Object>> all = new ArrayList<>(pod.containers());
    all.addAll(pod.initContainers());
    Map<String, String> env = new java.util.LinkedHashMap<>();
    all.stream().filter(c -> ProxyContainer.NAME.equals(Trees.text(c, "name"))).findFirst().ifPresent(proxy -> {
      for (Map<String, Object> var : Trees.objects(proxy, "env")) {
        if (var.get("value") != null) {
          env.put(Trees.text(var, "name"), Trees.text(var, "value"));
        }
      }
    });
    return env;
  }

  private static List<Map<String, Object>> without(List<Map<String, Object>> items, List<String> names) {
    return items.stream().filter(item -> !names.contains(Trees.text(item, "name"))).toList();
  }

  private static int agentPort(Map<String, String> env) {
    try {
      return Integer.parseInt(env.getOrDefault(AgentConfig.AGENT_PORT, Integer.toString(PodOptions.DEFAULT_STATUS_PORT)));
    } catch (NumberFormatException e) {
      return PodOptions.DEFAULT_STATUS_PORT;
    }
  }
}
