package dev.outrigger.agent.inject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Injects every pod template of one manifest object (a workload, a Pod, or a List of them). */
public final class ManifestInjector {
  private final PodInjector pods;

  public ManifestInjector(InjectionDefaults defaults) {
    this.pods = new PodInjector(defaults);
  }

  /** One pod template's fate, named by the object holding it. */
  public record Result(String where, PodInjector.Outcome outcome) {}

  /**
   * Injects the object in place; an empty result means it has no pod template (other kinds).
   * Throws {@link InjectionException}, prefixed with the object's kind and name, when refused.
   */
  public List<Result> inject(Map<String, Object> object) {
    List<Result> results = new ArrayList<>();
    for (Workloads.Found found : Workloads.podTemplates(object)) {
      try {
        results.add(new Result(found.where(), pods.inject(found.pod())));
      } catch (InjectionException e) {
        throw e.in(found.where());
      }
    }
    return results;
  }

  /** Injects a pod object as the webhook receives it; {@code where} names it in messages. */
  public PodInjector.Outcome injectPod(Map<String, Object> pod, String where) {
    try {
      return pods.inject(new PodTemplate(pod, WorkloadName.ofPod(pod)));
    } catch (InjectionException e) {
      throw e.in(where);
    }
  }
}
