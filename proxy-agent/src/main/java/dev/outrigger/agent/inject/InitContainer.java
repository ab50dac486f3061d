package dev.outrigger.agent.inject;

import static dev.outrigger.agent.inject.Trees.obj;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The init container: {@code outrigger iptables} with the flags Istio's injection template gives
 * istio-iptables, as root with NET_ADMIN and NET_RAW only (the capture rules need no more).
 */
final class InitContainer {
  static final String NAME = "istio-init";
  /** Ports the capture never redirects: Prometheus (15090) and readiness (15021); the status port is added. */
  static final String PROXY_PORTS = "15090,15021";

  private InitContainer() {}

  static Map<String, Object> of(PodOptions options, Map<String, Object> resources) {
    Map<String, Object> container = obj(
        "name", NAME,
        "image", options.image(),
        "imagePullPolicy", SidecarPlanner.PULL_POLICY,
        "args", args(options));
    // Istio's template gives istio-init the proxyMetadata too: ISTIO_META_DNS_CAPTURE="true" there is --redirect-dns.
    List<Map<String, Object>> env = options.proxyConfig().metadataEnv();
    if (!env.isEmpty()) {
      container.put("env", env);
    }
    container.putAll(obj(
        "resources", resources,
        "securityContext", obj(
            "allowPrivilegeEscalation", false,
            "capabilities", obj("add", List.of("NET_ADMIN", "NET_RAW"), "drop", List.of("ALL")),
            "privileged", false,
            "readOnlyRootFilesystem", false,
            "runAsGroup", 0,
            "runAsNonRoot", false,
            "runAsUser", 0)));
    return container;
  }

  /** {@code iptables -p 15001 -z 15006 -u 1337 -m REDIRECT -i .. -x .. -b .. -d .. [-q ..] [-o ..] [-k ..] [-c ..]}. */
  static List<String> args(PodOptions options) {
    List<String> args = new ArrayList<>(List.of(
        "iptables",
        "-p", "15001",
        "-z", "15006",
        "-u", Integer.toString(SidecarPlanner.PROXY_UID),
        "-m", options.interceptionMode(),
        "-i", options.includeOutboundIpRanges(),
        "-x", options.excludeOutboundIpRanges(),
        "-b", options.includeInboundPorts(),
        "-d", AnnotationValues.union(PROXY_PORTS, statusPort(options), options.excludeInboundPorts())));
    optional(args, "-q", options.includeOutboundPorts());
    optional(args, "-o", options.excludeOutboundPorts());
    optional(args, "-k", options.kubeVirtInterfaces());
    optional(args, "-c", options.excludeInterfaces());
    optional(args, "--rules-version", options.rulesVersion());
    return args;
  }

  /** The agent's status port (Istio's 15020 unless status.sidecar.istio.io/port says otherwise; "" when 0). */
  static String statusPort(PodOptions options) {
    return options.statusPort() == 0 ? "" : Integer.toString(options.statusPort());
  }

  private static void optional(List<String> args, String flag, String value) {
    if (!value.isEmpty()) {
      args.add(flag);
      args.add(value);
    }
  }
}
