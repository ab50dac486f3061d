package dev.outrigger.agent.inject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Injects one pod template as Istio's injector does: decides (inject, or leave unchanged and say
 * why), removes an earlier injection so that injecting twice changes nothing, applies the
 * {@link SidecarPlan} and merges the pod's own istio-proxy / istio-init over it. Only a bad
 * annotation value fails, where Istio's injection fails too.
 */
public final class PodInjector {
  private final InjectionDefaults defaults;

  public PodInjector(InjectionDefaults defaults) {
    this.defaults = defaults;
  }

  /**
   * What happened to a pod: injected, or left unchanged for the given reason; either with warnings
   * (things Istio admits that the user should know of), which the webhook returns to kubectl.
   */
  public record Outcome(boolean injected, String reason, List<String> warnings) {
    public Outcome {
      warnings = List.copyOf(warnings);
    }

    Outcome(boolean injected, String reason) {
      this(injected, reason, List.of());
    }

    static Outcome injected(List<String> warnings) {
      return new Outcome(true, "injected", warnings);
    }
  }

  /** Injects the pod in place; throws {@link InjectionException} on a bad annotation value. */
  Outcome inject(PodTemplate pod) {
    if (pod.hostNetwork()) {
      // Istio's injectRequired: capture rules would change the node's routing, not the pod's.
      return new Outcome(false, "the pod uses the host's network (hostNetwork: true), which Istio never injects:"
          + " capture rules would redirect the node's traffic");
    }
    String optOut = optOut(pod);
    if (optOut != null) {
      return new Outcome(false, optOut);
    }
    String template = PodChecks.unsupportedTemplate(pod.annotations());
    if (template != null) {
      return new Outcome(false, template, List.of(template));
    }
    InjectionStatus previous = InjectionStatus.parse(pod.annotations().get(Annotations.STATUS));
    List<String> annotationOrder = List.copyOf(pod.annotations().keySet());
    if (previous != null) {
      // First: the injected proxy's environment holds the app's original probes, which this restores.
      PreviousInjection.remove(pod, previous);
    }
    ProxyOverrides overrides = ProxyOverrides.take(pod, previous);
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
    List<String> warnings = PodChecks.warnings(pod, PodChecks.proxyUid(overrides.get(ProxyContainer.NAME)));
    // Labels are never removed on re-injection (Istio's stripPod leaves them); the pod's own win.
    PodLabels.of(pod, istiod != null).forEach(pod::setLabel);
    apply(pod, plan, overrides, previous == null);
    // Undoing and redoing an injection removes and sets annotations again: they keep their places,
    // so that injecting an injected pod gives the same text.
    pod.orderAnnotations(annotationOrder);
    return Outcome.injected(warnings);
  }

  /** Istio's rule: the label wins over the annotation, and any value but y/yes/true/on opts out. */
  private static String optOut(PodTemplate pod) {
    String value = pod.labels().getOrDefault(Annotations.INJECT, pod.annotations().get(Annotations.INJECT));
    if (value == null || AnnotationValues.yes(value)) {
      return null;
    }
    return Annotations.INJECT + " is \"" + value + "\"";
  }

  private void apply(PodTemplate pod, SidecarPlan plan, ProxyOverrides overrides, boolean firstInjection) {
    Map<String, Object> proxy = overrides.apply(plan.proxy());
    Map<String, Object> init = overrides.apply(plan.initContainer());
    useProxyUid(init, overrides.get(ProxyContainer.NAME));
    List<Map<String, Object>> apps = pod.containers();
    List<Map<String, Object>> inits = pod.initContainers();
    List<Map<String, Object>> containers = new ArrayList<>(apps);
    List<Map<String, Object>> initContainers = new ArrayList<>();
    if (plan.nativeSidecar()) {
      // Capture, then the proxy, then the pod's own init containers, which so run in the mesh.
      addIfPresent(initContainers, init);
      initContainers.add(proxy);
      initContainers.addAll(inits);
    } else {
      // The pod's init containers run before capture: no proxy would answer their traffic yet.
      initContainers.addAll(inits);
      addIfPresent(initContainers, init);
      containers.add(plan.proxyFirst() ? 0 : containers.size(), proxy);
    }
    pod.setInitContainers(initContainers);
    pod.setContainers(containers);
    pod.setVolumes(withVolumes(pod.volumes(), plan.volumes()));

    Map<String, String> existing = pod.annotations();
    Map<String, String> annotations = new LinkedHashMap<>(plan.annotations());
    annotations.put(Annotations.REVISION, defaults.revision());
    if (!apps.isEmpty()) {
      // kubectl logs/exec keep defaulting to the app even when the proxy comes first.
      String app = Trees.text(apps.get(0), "name");
      annotations.put(Annotations.DEFAULT_CONTAINER, existing.getOrDefault(Annotations.DEFAULT_CONTAINER, app));
      annotations.put(Annotations.DEFAULT_LOGS_CONTAINER, existing.getOrDefault(Annotations.DEFAULT_LOGS_CONTAINER, app));
    }
    annotations.forEach(pod::setAnnotation);
    if (firstInjection && !overrides.isEmpty()) {
      pod.setAnnotation(Annotations.OVERRIDES, overrides.toJson(plan.initContainerNames()));
    }
    pod.setAnnotation(Annotations.STATUS, InjectionStatus.of(plan, defaults.revision()).toJson());
  }

  /**
   * The pod's own istio-proxy may run as another uid (Istio honours it); the capture rules then let
   * that uid through instead (Istio's adjustInitContainerUser: "-u", never 0).
   */
  @SuppressWarnings("unchecked")
  private static void useProxyUid(Map<String, Object> init, Map<String, Object> proxyOverride) {
    String uid = proxyOverride == null ? null : Trees.text(Trees.child(proxyOverride, "securityContext"), "runAsUser");
    if (init == null || uid == null || "0".equals(uid) || !(init.get("args") instanceof List<?> list)) {
      return;
    }
    List<Object> args = new ArrayList<>((List<Object>) list);
    int flag = args.indexOf("-u");
    if (flag >= 0 && flag + 1 < args.size()) {
      args.set(flag + 1, uid);
      init.put("args", args);
    }
  }

  /**
   * The pod's volumes with the sidecar's added; one the pod already has by that name is replaced,
   * as Istio's strategic merge makes the template's volume win (an earlier injection's, typically).
   */
  private static List<Map<String, Object>> withVolumes(List<Map<String, Object>> volumes,
      List<Map<String, Object>> added) {
    List<String> names = added.stream().map(v -> Trees.text(v, "name")).toList();
    List<Map<String, Object>> out = new ArrayList<>(
        volumes.stream().filter(v -> !names.contains(Trees.text(v, "name"))).toList());
    out.addAll(added);
    return out;
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
