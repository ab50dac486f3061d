package dev.outrigger.agent.inject;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** The pods injection refuses, each with a message that says why and what to do instead. */
final class PodChecks {
  private static final String OPT_OUT = "; to run it without a sidecar, annotate it " + Annotations.INJECT + ": \"false\"";
  private static final Set<String> OUR_CONTAINERS = Set.of(InitContainer.NAME, ProxyContainer.NAME);

  private PodChecks() {}

  /** Pods no sidecar of ours can work in. */
  static void refuseUnsupported(PodTemplate pod) {
    if (pod.hostNetwork()) {
      throw new InjectionException("the pod uses the host's network (hostNetwork: true): the capture rules would"
          + " redirect the node's traffic, not the pod's" + OPT_OUT);
    }
    if (pod.annotations().containsKey(Annotations.ISTIO_STATUS) || hasContainer(pod.containers(), "istio-proxy")
        || hasContainer(pod.initContainers(), "istio-proxy")) {
      throw new InjectionException("the pod already has Istio's sidecar (istio-proxy); inject it with one of the two"
          + " only");
    }
  }

  /** Checks made after an earlier injection of ours was removed; {@code addedVolumes}: the volumes injection adds. */
  static void refuseConflicts(PodTemplate pod, List<String> addedVolumes) {
    for (Map<String, Object> c : concat(pod.containers(), pod.initContainers())) {
      if (OUR_CONTAINERS.contains(Trees.text(c, "name"))) {
        throw new InjectionException("the pod already has a container named " + Trees.text(c, "name")
            + " but no " + Annotations.STATUS + " annotation saying it was injected; rename the container");
      }
    }
    for (Map<String, Object> v : pod.volumes()) {
      if (addedVolumes.contains(Trees.text(v, "name"))) {
        throw new InjectionException("the pod already has a volume named " + Trees.text(v, "name")
            + "; rename the volume");
      }
    }
    for (Map<String, Object> c : pod.containers()) {
      if (Integer.toString(SidecarPlanner.PROXY_UID).equals(pod.runAsUser(c))) {
        throw new InjectionException("container " + Trees.text(c, "name") + " runs as uid " + SidecarPlanner.PROXY_UID
            + ", the proxy's uid, whose traffic the capture rules let through: the app would bypass the sidecar;"
            + " run it as another uid" + OPT_OUT);
      }
    }
  }

  private static boolean hasContainer(List<Map<String, Object>> containers, String name) {
    return containers.stream().anyMatch(c -> name.equals(Trees.text(c, "name")));
  }

  private static List<Map<String, Object>> concat(List<Map<String, Object>> a, List<Map<String, Object>> b) {
    var all = new java.util.ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
