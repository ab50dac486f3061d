package dev.outrigger.agent.inject;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code outrigger.dev/status} annotation, shaped like Istio's sidecar.istio.io/status: what
 * injection added, so that injecting again first removes exactly that.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record InjectionStatus(
    List<String> initContainers, List<String> containers, List<String> volumes, Map<String, String> annotations,
    String image) {
  private static final ObjectMapper JSON = new ObjectMapper();

  InjectionStatus {
    initContainers = initContainers == null ? List.of() : List.copyOf(initContainers);
    containers = containers == null ? List.of() : List.copyOf(containers);
    volumes = volumes == null ? List.of() : List.copyOf(volumes);
    annotations = annotations == null ? Map.of() : new TreeMap<>(annotations);
  }

  /**
   * @param addedAnnotations annotations injection set that the pod did not have, with their values: removed
   *     again on re-injection unless someone changed them since
   */
  static InjectionStatus of(SidecarPlan plan, Map<String, String> addedAnnotations, String image) {
    return new InjectionStatus(plan.initContainerNames(), plan.containerNames(), plan.volumeNames(), addedAnnotations,
        image);
  }

  /** The status of an injected pod, or null when the annotation is absent. */
  static InjectionStatus parse(String json) {
    if (json == null) {
      return null;
    }
    try {
      return JSON.readValue(json, InjectionStatus.class);
    } catch (JsonProcessingException e) {
      throw new InjectionException("annotation " + Annotations.STATUS + " is not the JSON injection wrote: " + json);
    }
  }

  String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + this, e);
    }
  }
}
