package dev.outrigger.agent.inject;

/** The pod annotations injection reads or writes: Istio's, with Istio's meaning, and Outrigger's own. */
public final class Annotations {
  private Annotations() {}

  /** Opt-out per pod (annotation or label): any value but y, yes, true or on disables injection. */
  public static final String INJECT = "sidecar.istio.io/inject";
  /** REDIRECT (default), NONE (no capture, no init container); TPROXY is captured as REDIRECT, with a warning. */
  public static final String INTERCEPTION_MODE = "sidecar.istio.io/interceptionMode";
  public static final String INCLUDE_INBOUND_PORTS = "traffic.sidecar.istio.io/includeInboundPorts";
  public static final String EXCLUDE_INBOUND_PORTS = "traffic.sidecar.istio.io/excludeInboundPorts";
  public static final String INCLUDE_OUTBOUND_IP_RANGES = "traffic.sidecar.istio.io/includeOutboundIPRanges";
  public static final String EXCLUDE_OUTBOUND_IP_RANGES = "traffic.sidecar.istio.io/excludeOutboundIPRanges";
  public static final String INCLUDE_OUTBOUND_PORTS = "traffic.sidecar.istio.io/includeOutboundPorts";
  public static final String EXCLUDE_OUTBOUND_PORTS = "traffic.sidecar.istio.io/excludeOutboundPorts";
  public static final String EXCLUDE_INTERFACES = "traffic.sidecar.istio.io/excludeInterfaces";
  /** KubeVirt VM interfaces: the init container's -k (their inbound traffic is the pod's outbound). */
  public static final String KUBEVIRT_INTERFACES = "traffic.sidecar.istio.io/kubevirtInterfaces";
  /** The newer name of the same list; when both are set it wins, as in Istio's injection template. */
  public static final String REROUTE_VIRTUAL_INTERFACES = "istio.io/reroute-virtual-interfaces";
  /** A ProxyConfig overlay (YAML or JSON); holdApplicationUntilProxyStarts and interceptionMode are read. */
  public static final String PROXY_CONFIG = "proxy.istio.io/config";
  /** "true"/"false": the proxy as a Kubernetes native sidecar (init container, restartPolicy Always). */
  public static final String NATIVE_SIDECAR = "sidecar.istio.io/nativeSidecar";
  /** A full image reference that replaces the injector's image for this pod. */
  public static final String PROXY_IMAGE = "sidecar.istio.io/proxyImage";
  public static final String PROXY_CPU = "sidecar.istio.io/proxyCPU";
  public static final String PROXY_MEMORY = "sidecar.istio.io/proxyMemory";
  public static final String PROXY_CPU_LIMIT = "sidecar.istio.io/proxyCPULimit";
  public static final String PROXY_MEMORY_LIMIT = "sidecar.istio.io/proxyMemoryLimit";
  /**
   * The agent's status port (Istio's meaning): where rewritten app probes go, the agent's port
   * (merged metrics, OUTRIGGER_AGENT_PORT) and excluded from inbound capture. "0" turns all three off.
   */
  public static final String STATUS_PORT = "status.sidecar.istio.io/port";
  /** "false" keeps the app's probes and hooks as they are (Istio: any value strconv.ParseBool reads). */
  public static final String REWRITE_APP_PROBERS = "sidecar.istio.io/rewriteAppHTTPProbers";
  /** "false": the pod's prometheus.io annotations stay the app's own (no merged metrics). */
  public static final String MERGE_METRICS = "prometheus.istio.io/merge-metrics";
  /** Ours: preserve (Istio >= 1.10, the default) or loopback (Istio <= 1.9); Istio's names also accepted. */
  public static final String INBOUND_MODE = "outrigger.dev/inboundMode";
  /**
   * Ours: "8080,9090", ports the proxy forwards to the app over loopback even in preserve mode (apps
   * that listen on 127.0.0.1 only); passed to the proxy as OUTRIGGER_LOCALHOST_INBOUND_PORTS.
   */
  public static final String LOCALHOST_INBOUND_PORTS = "outrigger.dev/localhostInboundPorts";
  /**
   * Ours: the Istio release whose istio-iptables rules the init container writes ("1.12", "1.22.8", ...),
   * passed as outrigger iptables --rules-version; unset, that command's default (the newest release).
   */
  public static final String RULES_VERSION = "outrigger.dev/rulesVersion";
  /**
   * Istio's injection marker, written in Istio's JSON shape ({@link InjectionStatus}): what injection added and the
   * injector's revision. A pod that carries it (injected by Istio or by Outrigger) is stripped of what it lists and
   * injected again, as Istio does.
   */
  public static final String STATUS = "sidecar.istio.io/status";
  /**
   * Istio's record of the pod's own istio-proxy / istio-init containers, merged over the injected ones ({"containers":
   * [...], "initContainers": [...]}), so that injecting again re-applies them after the earlier injection is removed.
   */
  public static final String OVERRIDES = "proxy.istio.io/overrides";
  /** Istio's choice of injection templates ("sidecar" by default); only the sidecar template is Outrigger's. */
  public static final String TEMPLATES = "inject.istio.io/templates";
  /**
   * The revision of the injector that injected the pod. Istio's template writes it as an annotation, not a label
   * (a label would overwrite the istio.io/rev=&lt;tag&gt; a user selects a revision tag with): the revision the
   * injector serves (--revision), "default" for the default revision. As a namespace or pod label it selects the
   * injector of that revision (the MutatingWebhookConfiguration's selectors).
   */
  public static final String REVISION = "istio.io/rev";
  public static final String DEFAULT_REVISION = "default";
  public static final String DEFAULT_CONTAINER = "kubectl.kubernetes.io/default-container";
  public static final String DEFAULT_LOGS_CONTAINER = "kubectl.kubernetes.io/default-logs-container";
}
