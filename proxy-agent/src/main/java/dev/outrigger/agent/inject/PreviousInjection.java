package dev.outrigger.agent.inject;

import dev.outrigger.agent.AgentConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Removes what an earlier injection added, as its status annotation lists it (Istio's stripPod). */
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
