package dev.outrigger.agent.inject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Pods Istio's injector admits but a sidecar of ours may serve less well than the user expects: each
 * gives a warning (logged, and returned to kubectl by the webhook) instead of a refusal, because the
 * injector never denies a pod Istio would admit.
 */
final class PodChecks {
  /** Istio's built-in templates other than sidecar (istio-discovery istiod-injector-configmap.yaml). */
  static final Set<String> ISTIO_TEMPLATES = Set.of("gateway", "grpc-simple", "grpc-agent", "waypoint", "kube-gateway",
      "agentgateway", "agentgateway-waypoint");
  static final String SIDECAR_TEMPLATE = "sidecar";

  private PodChecks() {}

  /**
   * Why a pod whose inject.istio.io/templates asks for a template Outrigger does not have is left
   * unchanged, or null for the sidecar template (the default). A name Istio does not know either
   * fails, as Istio fails on it ("requested template not found").
   */
  static String unsupportedTemplate(Map<String, String> annotations) {
    String value = annotations.get(Annotations.TEMPLATES);
    if (value == null) {
      return null;
    }
    List<String> other = new ArrayList<>();
    for (String name : value.split(",", -1)) {
      String template = name.trim();
      if (ISTIO_TEMPLATES.contains(template)) {
        other.add(template);
      } else if (!SIDECAR_TEMPLATE.equals(template)) {
        throw AnnotationValues.bad(Annotations.TEMPLATES, value, "sidecar, or one of Istio's templates "
            + new java.util.TreeSet<>(ISTIO_TEMPLATES));
      }
    }
    if (other.isEmpty()) {
      return null;
    }
    return Annotations.TEMPLATES + " asks for " + String.join(",", other) + ", which Outrigger does not provide"
        + (other.contains("gateway") ? " (no gateway proxy)" : "") + ": the pod is admitted unchanged"
        + " (an istio-proxy container with image: auto keeps that image); use Istio's injector for it";
  }

  /** The warnings for a pod about to be injected; {@code proxyUid}: the uid the proxy runs as. */
  static List<String> warnings(PodTemplate pod, String proxyUid) {
    List<String> out = new ArrayList<>();
    for (Map<String, Object> c : pod.containers()) {
      if (proxyUid.equals(pod.runAsUser(c))) {
        out.add("container " + Trees.text(c, "name") + " runs as uid " + proxyUid + ", the proxy's uid, whose"
            + " traffic the capture rules let through: its connections bypass the sidecar; run it as another uid");
      }
    }
    return out;
  }

  /** The proxy's uid as the pod's own istio-proxy container may set it (Istio honours it), else 1337. */
  static String proxyUid(Map<String, Object> proxyOverride) {
    String own = proxyOverride == null ? null : Trees.text(Trees.child(proxyOverride, "securityContext"), "runAsUser");
    return own != null ? own : Integer.toString(SidecarPlanner.PROXY_UID);
  }
}
