package dev.outrigger.agent.inject;

import static dev.outrigger.agent.inject.Trees.obj;

import dev.outrigger.agent.AgentConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The proxy container: {@code outrigger proxy} as uid/gid 1337 (the uid the capture rules let
 * through), read-only root filesystem, no capabilities, with Istio's environment, port and probes.
 */
final class ProxyContainer {
  static final String NAME = "istio-proxy";
  static final String TMP_VOLUME = "outrigger-tmp";
  /** The agent's readiness port and path (Istio's 15021 /healthz/ready). */
  static final int STATUS_PORT = 15021;
  static final String READY_PATH = "/healthz/ready";

  private ProxyContainer() {}

  /**
   * @param istiod the environment for istiod, or null for a passthrough sidecar
   * @param appEnv appended last, as Istio appends ISTIO_PROMETHEUS_ANNOTATIONS and ISTIO_KUBE_APP_PROBERS
   */
  static Map<String, Object> of(PodOptions options, Map<String, Object> resources, boolean holdWithPostStart,
      IstiodEnvironment istiod, List<Map<String, Object>> appEnv) {
    List<Map<String, Object>> mounts = new ArrayList<>();
    // The JVM extracts Netty's native library and writes its perf data under /tmp.
    mounts.add(obj("name", TMP_VOLUME, "mountPath", "/tmp"));
    if (istiod != null) {
      mounts.addAll(IstiodVolumes.mounts());
    }
    Map<String, Object> container = obj(
        "name", NAME,
        "image", options.image(),
        "imagePullPolicy", SidecarPlanner.PULL_POLICY,
        "args", List.of("proxy"),
        "env", env(options, istiod, appEnv),
        "ports", List.of(obj("containerPort", 15090, "name", "http-envoy-prom", "protocol", "TCP")),
        // Istio's timings: ready within 600 x 1s at start, then checked every 15s.
        "startupProbe", probe(1, 600),
        "readinessProbe", probe(15, 4),
        "resources", resources,
        "securityContext", securityContext(options),
        "volumeMounts", mounts);
    if (holdWithPostStart) {
      // The kubelet starts the next container only when this hook returns: the app waits for the proxy.
      container.put("lifecycle", obj("postStart", obj("exec", obj("command", List.of("outrigger", "wait")))));
    }
    return container;
  }

  /**
   * Istio's template: in TPROXY mode the proxy gets NET_ADMIN (IP_TRANSPARENT, SO_MARK) and runs as
   * uid 0 with gid 1337, whose owner rules (-g defaults to -u) keep its own traffic out of capture.
   */
  static Map<String, Object> securityContext(PodOptions options) {
    boolean tproxy = options.tproxy() && options.capture();
    return obj(
        "allowPrivilegeEscalation", false,
        "capabilities", tproxy ? obj("add", List.of("NET_ADMIN"), "drop", List.of("ALL")) : obj("drop", List.of("ALL")),
        "privileged", false,
        "readOnlyRootFilesystem", true,
        "runAsGroup", SidecarPlanner.PROXY_UID,
        "runAsNonRoot", !tproxy,
        "runAsUser", tproxy ? 0 : SidecarPlanner.PROXY_UID);
  }

  static Map<String, Object> tmpVolume() {
    return obj("name", TMP_VOLUME, "emptyDir", obj("medium", "Memory", "sizeLimit", "16Mi"));
  }

  private static List<Map<String, Object>> env(PodOptions options, IstiodEnvironment istiod,
      List<Map<String, Object>> appEnv) {
    List<Map<String, Object>> env = new ArrayList<>();
    if (options.inboundMode() == dev.outrigger.core.config.InboundMode.LOOPBACK) {
      // Istio's template, first in the env under inboundTrafficPolicy LOCALHOST: the agent sends the
      // app's probes to localhost, where an app of that mode may be listening only.
      env.add(obj("name", AppProbes.LOCALHOST_ENV, "value", "true"));
    }
    env.add(field("POD_NAME", "metadata.name"));
    env.add(field("POD_NAMESPACE", "metadata.namespace"));
    env.add(field("INSTANCE_IP", "status.podIP"));
    env.add(field("SERVICE_ACCOUNT", "spec.serviceAccountName"));
    env.add(field("HOST_IP", "status.hostIP"));
    if (istiod != null) {
      env.addAll(istiod.leading());
    }
    env.add(obj("name", "ISTIO_META_INTERCEPTION_MODE", "value", options.interceptionMode()));
    if (istiod != null) {
      env.addAll(istiod.trailing());
    }
    // Where Istio's template puts them, after TRUST_DOMAIN: ISTIO_META_DNS_CAPTURE="true" turns on the DNS proxy
    // that the init container's --redirect-dns rules send the pod's DNS to.
    env.addAll(options.proxyConfig().metadataEnv());
    env.add(obj("name", AgentConfig.INBOUND_MODE, "value", options.inboundMode().label()));
    if (!options.localhostInboundPorts().isEmpty()) {
      env.add(obj("name", AgentConfig.LOCALHOST_INBOUND_PORTS, "value", options.localhostInboundPorts().label()));
    }
    if (options.statusPort() != 0 && options.statusPort() != PodOptions.DEFAULT_STATUS_PORT) {
      // The agent serves the rewritten probes and merged metrics where the pod's annotation says.
      env.add(obj("name", AgentConfig.AGENT_PORT, "value", Integer.toString(options.statusPort())));
    }
    env.addAll(appEnv);
    return env;
  }

  private static Map<String, Object> field(String name, String path) {
    return obj("name", name, "valueFrom", obj("fieldRef", obj("fieldPath", path)));
  }

  private static Map<String, Object> probe(int periodSeconds, int failureThreshold) {
    return obj(
        "httpGet", obj("path", READY_PATH, "port", STATUS_PORT),
        "periodSeconds", periodSeconds,
        "timeoutSeconds", 3,
        "failureThreshold", failureThreshold);
  }
}
