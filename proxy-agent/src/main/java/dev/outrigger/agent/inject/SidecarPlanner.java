package dev.outrigger.agent.inject;

import static dev.outrigger.agent.inject.Annotations.*;
import static dev.outrigger.agent.inject.Trees.obj;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns a pod's {@link PodOptions} into the {@link SidecarPlan} that injects it. */
final class SidecarPlanner {
  /** The proxy's uid and gid: the capture rules let this uid's traffic through (istio-iptables -u). */
  static final int PROXY_UID = 1337;
  /** Pull only when missing, so images loaded into a node (kind load) are used as they are. */
  static final String PULL_POLICY = "IfNotPresent";

  private SidecarPlanner() {}

  /**
   * @param istiod the proxy's environment for istiod, or null for a passthrough sidecar
   * @param appEnv what the proxy does for the app (merged metrics, probes), appended to its environment
   */
  static SidecarPlan plan(PodOptions options, IstiodEnvironment istiod, List<Map<String, Object>> appEnv) {
    Map<String, Object> init = options.capture() ? InitContainer.of(options, resources(options)) : null;
    // Native sidecars are held by their startupProbe already; the postStart hook is for the classic form.
    boolean postStartHold = options.holdApplication() && !options.nativeSidecar();
    Map<String, Object> proxy = ProxyContainer.of(options, resources(options), postStartHold, istiod, appEnv);
    if (options.nativeSidecar()) {
      proxy.put("restartPolicy", "Always");
    }
    List<Map<String, Object>> volumes = new ArrayList<>();
    volumes.add(ProxyContainer.tmpVolume());
    if (istiod != null) {
      volumes.addAll(IstiodVolumes.volumes());
    }
    return new SidecarPlan(init, proxy, options.nativeSidecar(), postStartHold, volumes, annotations(options));
  }

  /** What the pod shows of its sidecar, as istioctl kube-inject writes it (seed 001), and its inbound mode. */
  private static Map<String, String> annotations(PodOptions options) {
    Map<String, String> out = new LinkedHashMap<>();
    out.put(REVISION, DEFAULT_REVISION);
    out.put(INTERCEPTION_MODE, options.interceptionMode());
    if (options.capture()) {
      out.put(INCLUDE_INBOUND_PORTS, options.includeInboundPorts());
      out.put(EXCLUDE_INBOUND_PORTS, AnnotationValues.union(InitContainer.statusPort(options), options.excludeInboundPorts()));
      out.put(INCLUDE_OUTBOUND_IP_RANGES, options.includeOutboundIpRanges());
      putIfSet(out, EXCLUDE_OUTBOUND_IP_RANGES, options.excludeOutboundIpRanges());
      putIfSet(out, INCLUDE_OUTBOUND_PORTS, options.includeOutboundPorts());
      putIfSet(out, EXCLUDE_OUTBOUND_PORTS, options.excludeOutboundPorts());
      putIfSet(out, EXCLUDE_INTERFACES, options.excludeInterfaces());
    }
    out.put(INBOUND_MODE, options.inboundMode().label());
    return out;
  }

  private static void putIfSet(Map<String, String> out, String key, String value) {
    if (!value.isEmpty()) {
      out.put(key, value);
    }
  }

  /** Istio's defaults (requests 100m/128Mi, limits 2/1Gi) unless any sidecar.istio.io/proxy* annotation is set. */
  private static Map<String, Object> resources(PodOptions options) {
    if (!options.resources().isEmpty()) {
      Map<String, Object> copy = new LinkedHashMap<>();
      options.resources().forEach((section, quantities) -> copy.put(section, new LinkedHashMap<>(quantities)));
      return copy;
    }
    return obj("limits", obj("cpu", "2", "memory", "1Gi"), "requests", obj("cpu", "100m", "memory", "128Mi"));
  }
}
