package dev.outrigger.agent.inject;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Istio's {@code sidecar.istio.io/status} annotation (pkg/kube/inject SidecarInjectionStatus): the
 * names of the init containers, containers, volumes and image pull secrets injection added, and the
 * injector's revision. Kiali reads it to tell a workload is in the mesh; re-injection removes the
 * containers it lists, as Istio's stripPod does. Written in Istio's field order, an empty list as
 * null (Go's nil slice), so tools that compare it with Istio's see the same shape.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record InjectionStatus(
    List<String> initContainers, List<String> containers, List<String> volumes, List<String> imagePullSecrets,
    String revision) {
  private static final ObjectMapper JSON = new ObjectMapper();

  InjectionStatus {
    initContainers = initContainers == null ? List.of() : List.copyOf(initContainers);
    containers = containers == null ? List.of() : List.copyOf(containers);
    volumes = volumes == null ? List.of() : List.copyOf(volumes);
    imagePullSecrets = imagePullSecrets == null ? List.of() : List.copyOf(imagePullSecrets);
    revision = revision == null || revision.isEmpty() ? Annotations.DEFAULT_REVISION : revision;
  }

  static InjectionStatus of(SidecarPlan plan, String revision) {
    return new InjectionStatus(plan.initContainerNames(), plan.containerNames(), plan.volumeNames(), List.of(),
        revision);
  }

  /**
   * The status of an injected pod; null when the annotation is absent or is not the JSON object
   * Istio writes (Istio's injectionStatus: such a pod is treated as never injected).
   */
  static InjectionStatus parse(String json) {
    if (json == null) {
      return null;
    }
    try {
      return JSON.readValue(json, InjectionStatus.class);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  String toJson() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("initContainers", nilIfEmpty(initContainers));
    out.put("containers", nilIfEmpty(containers));
    out.put("volumes", nilIfEmpty(volumes));
    out.put("imagePullSecrets", nilIfEmpty(imagePullSecrets));
    out.put("revision", revision);
    try {
      return JSON.writeValueAsString(out);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + this, e);
    }
  }

  private static List<String> nilIfEmpty(List<String> names) {
    return names.isEmpty() ? null : names;
  }
}
