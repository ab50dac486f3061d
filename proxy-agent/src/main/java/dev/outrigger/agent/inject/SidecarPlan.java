package dev.outrigger.agent.inject;

import java.util.List;
import java.util.Map;

/**
 * What injection adds to one pod, as data: the containers, where they go, the volumes and the
 * annotations. Built by {@link SidecarPlanner}, applied by {@link PodInjector}.
 *
 * @param initContainer the capture container, or null with interceptionMode NONE
 * @param proxy the proxy container
 * @param nativeSidecar the proxy goes among the init containers (restartPolicy Always), right after capture
 * @param proxyFirst the proxy goes before the app containers (holdApplicationUntilProxyStarts), else last
 * @param volumes volumes to add to the pod
 * @param annotations annotations to set on the pod
 */
record SidecarPlan(
    Map<String, Object> initContainer,
    Map<String, Object> proxy,
    boolean nativeSidecar,
    boolean proxyFirst,
    List<Map<String, Object>> volumes,
    Map<String, String> annotations) {

  /** Names of the init containers this plan adds, in order. */
  List<String> initContainerNames() {
    var names = new java.util.ArrayList<String>();
    if (initContainer != null) {
      names.add(InitContainer.NAME);
    }
    if (nativeSidecar) {
      names.add(ProxyContainer.NAME);
    }
    return names;
  }

  List<String> containerNames() {
    return nativeSidecar ? List.of() : List.of(ProxyContainer.NAME);
  }

  List<String> volumeNames() {
    return volumes.stream().map(v -> String.valueOf(v.get("name"))).toList();
  }
}
