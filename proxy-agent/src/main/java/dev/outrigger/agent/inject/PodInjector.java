package dev.outrigger.agent.inject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Injects one pod template: decides (inject, skip on opt-out, or refuse), removes an earlier
 * injection so that injecting twice changes nothing, and applies the {@link SidecarPlan}.
 */
public final class PodInjector {
  private final InjectionDefaults defaults;

  public PodInjector(InjectionDefaults defaults) {
    this.defaults = defaults;
  }

  /** What happened to a pod: injected, or left alone for the given reason. */
  public record Outcome(boolean injected, String reason) {
    static final Outcome INJECTED = new Outcome(true, "injected");
  }

  /** Injects the pod in place; throws {@link InjectionException} when it must be refused. */
  Outcome inject(PodTemplate pod) {
    String optOut = optOut(pod);
    if (optOut != null) {
      return new Outcome(false, optOut);
    }
    PodChecks.refuseUnsupported(pod);
    InjectionStatus previous = InjectionStatus.parse(pod.annotations().get(Annotations.STATUS));
    if (previous != null) {
      PreviousInjection.remove(pod, previous);
    }
    PodOptions options = PodOptions.from(pod.annotations(), defaults);
    IstiodEnvironment istiod = defaults.istiod() == null ? null : IstiodEnvironment.of(defaults.istiod(), pod, options);
    // Istio's order (postProcessPod): metrics merge, then the probe rewrite; both write the proxy's env.
    // (A refusal after this point discards the pod as a whole, so these may edit it first.)
    List<Map<String, Object>> appEnv = new ArrayList<>();
    addEnv(appEnv, PrometheusMerge.ENV, PrometheusMerge.apply(pod, options));
    if (options.rewriteAppProbes() && options.statusPort() != 0) {
      addEnv(appEnv, AppProbes.ENV, AppProbes.rewrite(pod, options.statusPort()));
    }
    SidecarPlan plan = SidecarPlanner.plan(options, istiod, appEnv);
    PodChecks.refuseConflicts(pod, plan.volumeNames());
    // Labels are never removed on re-injection (Istio's stripPod leaves them); the pod's own win.
    PodLabels.of(pod, istiod != null).forEach(pod::setLabel);
    apply(pod, plan);
    return Outcome.INJECTED;
  }

  /** Istio's rule: the label wins over the annotation, and any value but y/yes/true/on opts out. */
  private static String optOut(PodTemplate pod) {
    String value = pod.labels().getOrDefault(Annotations.INJECT, pod.annotations().get(Annotations.INJECT));
    if (value == null || AnnotationValues.yes(value)) {
      return null;
    }
    return Annotations.INJECT + " is \"" + value + "\"";
  }

  private static void apply(PodTemplate pod, SidecarPlan plan) {
    List<Map<String, Object>> apps = pod.containers();
    List<Map<String, Object>> inits = pod.initContainers();
    List<Map<String, Object>> containers = new ArrayList<>(apps);
    List<Map<String, Object>> initContainers = new ArrayList<>();
    if (plan.nativeSidecar()) {
      // Capture, then the proxy, then the pod's own init containers, which so run in the mesh.
      addIfPresent(initContainers, plan.initContainer());
      initContainers.add(plan.proxy());
      initContainers.addAll(inits);
    } else {
      // The pod's init containers run before capture: no proxy would answer their traffic yet.
      initContainers.addAll(inits);
      addIfPresent(initContainers, plan.initContainer());
      containers.add(plan.proxyFirst() ? 0 : containers.size(), plan.proxy());
    }
    pod.setInitContainers(initContainers);
    pod.setContainers(containers);
    List<Map<String, Object>> volumes = pod.volumes();
    volumes.addAll(plan.volumes());
    pod.setVolumes(volumes);

    Map<String, String> existing = pod.annotations();
    Map<String, String> annotations = new java.util.LinkedHashMap<>(plan.annotations());
    if (!apps.isEmpty()) {
      // kubectl logs/exec keep defaulting to the app even when the proxy comes first.
      String app = Trees.text(apps.get(0), "name");
      annotations.put(Annotations.DEFAULT_CONTAINER, existing.getOrDefault(Annotations.DEFAULT_CONTAINER, app));
      annotations.put(Annotations.DEFAULT_LOGS_CONTAINER, existing.getOrDefault(Annotations.DEFAULT_LOGS_CONTAINER, app));
    }
    Map<String, String> added = new java.util.LinkedHashMap<>(annotations);
    added.keySet().removeAll(existing.keySet());
    annotations.forEach(pod::setAnnotation);
    pod.setAnnotation(Annotations.STATUS, InjectionStatus.of(plan, added, plan.proxy().get("image").toString()).toJson());
  }

  private static void addEnv(List<Map<String, Object>> env, String name, String value) {
    if (value != null) {
      env.add(Trees.obj("name", name, "value", value));
    }
  }

  private static void addIfPresent(List<Map<String, Object>> list, Map<String, Object> item) {
    if (item != null) {
      list.add(item);
    }
  }
}
