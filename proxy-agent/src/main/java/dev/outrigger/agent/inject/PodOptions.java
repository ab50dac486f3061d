package dev.outrigger.agent.inject;

import static dev.outrigger.agent.inject.Annotations.*;

import dev.outrigger.agent.GoBool;
import dev.outrigger.core.config.InboundMode;
import dev.outrigger.core.inbound.LocalhostInboundPorts;
import dev.outrigger.iptables.config.ExcludedCidrs;
import dev.outrigger.iptables.config.RulesVersion;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The sidecar one pod gets: its annotations read with Istio's meaning over the injector's
 * defaults, every value checked. Ports and CIDR lists are kept in istio-iptables' flag syntax.
 *
 * @param capture whether an init container programs capture (false for interceptionMode NONE)
 * @param excludeInboundPorts the user's list only; the proxy's own ports are added by the plan
 * @param kubeVirtInterfaces the -k list: istio.io/reroute-virtual-interfaces, else traffic.sidecar.istio.io/kubevirtInterfaces
 * @param resources the proxy's requests/limits from sidecar.istio.io/proxy* annotations; empty = defaults
 * @param localhostInboundPorts ports forwarded to the app over loopback even in preserve mode
 * @param proxyConfig the pod's proxy.istio.io/config, merged into PROXY_CONFIG when wired to istiod
 * @param statusPort the agent's port (Istio's status port, 15020); 0: none (no rewrite, no merge, not excluded)
 * @param rewriteAppProbes app probes and hooks go through the agent (Istio's rewriteAppHTTPProbers)
 * @param mergeMetrics the pod's prometheus.io annotations point at the agent's merged metrics
 * @param rulesVersion the init container's --rules-version as the annotation gave it; "" = its default
 * @param tproxy interceptionMode TPROXY: inbound captured with mangle TPROXY, the app sees the client's address
 */
record PodOptions(
    boolean capture,
    String includeInboundPorts,
    String excludeInboundPorts,
    String includeOutboundIpRanges,
    String excludeOutboundIpRanges,
    String includeOutboundPorts,
    String excludeOutboundPorts,
    String excludeInterfaces,
    String kubeVirtInterfaces,
    boolean holdApplication,
    boolean nativeSidecar,
    InboundMode inboundMode,
    LocalhostInboundPorts localhostInboundPorts,
    String image,
    Map<String, Map<String, String>> resources,
    ProxyConfigAnnotation proxyConfig,
    int statusPort,
    boolean rewriteAppProbes,
    boolean mergeMetrics,
    String rulesVersion,
    boolean tproxy) {
  /** Istio's default status port, the agent's: probes, merged metrics. */
  static final int DEFAULT_STATUS_PORT = 15020;

  static PodOptions from(Map<String, String> annotations, InjectionDefaults defaults) {
    ProxyConfigAnnotation proxyConfig = ProxyConfigAnnotation.parse(annotations.get(PROXY_CONFIG));
    String mode = interceptionMode(annotations.getOrDefault(INTERCEPTION_MODE,
        proxyConfig.interceptionMode() == null ? "REDIRECT" : proxyConfig.interceptionMode()));
    boolean capture = !mode.equals("NONE");
    return new PodOptions(
        capture,
        AnnotationValues.portsOrStar(INCLUDE_INBOUND_PORTS, annotations.getOrDefault(INCLUDE_INBOUND_PORTS, "*")),
        AnnotationValues.ports(EXCLUDE_INBOUND_PORTS, annotations.getOrDefault(EXCLUDE_INBOUND_PORTS, "")),
        AnnotationValues.cidrsOrStar(INCLUDE_OUTBOUND_IP_RANGES, annotations.getOrDefault(INCLUDE_OUTBOUND_IP_RANGES, "*")),
        excludeOutboundIpRanges(annotations.getOrDefault(EXCLUDE_OUTBOUND_IP_RANGES, "")),
        AnnotationValues.ports(INCLUDE_OUTBOUND_PORTS, annotations.getOrDefault(INCLUDE_OUTBOUND_PORTS, "")),
        AnnotationValues.ports(EXCLUDE_OUTBOUND_PORTS, annotations.getOrDefault(EXCLUDE_OUTBOUND_PORTS, "")),
        AnnotationValues.interfaces(EXCLUDE_INTERFACES, annotations.getOrDefault(EXCLUDE_INTERFACES, "")),
        kubeVirtInterfaces(annotations),
        proxyConfig.holdApplicationUntilProxyStarts() == null
            ? defaults.holdApplication() : proxyConfig.holdApplicationUntilProxyStarts(),
        annotations.containsKey(NATIVE_SIDECAR)
            ? AnnotationValues.bool(NATIVE_SIDECAR, annotations.get(NATIVE_SIDECAR)) : defaults.nativeSidecar(),
        inboundMode(annotations.get(INBOUND_MODE), defaults.inboundMode()),
        localhostInboundPorts(annotations.get(LOCALHOST_INBOUND_PORTS)),
        image(annotations.get(PROXY_IMAGE), defaults.image()),
        resources(annotations),
        proxyConfig,
        statusPort(annotations.get(STATUS_PORT)),
        rewriteAppProbes(annotations.get(REWRITE_APP_PROBERS)),
        annotations.containsKey(MERGE_METRICS) ? goBool(MERGE_METRICS, annotations.get(MERGE_METRICS)) : true,
        rulesVersion(annotations.getOrDefault(RULES_VERSION, "")),
        mode.equals("TPROXY"));
  }

  /** The value of ISTIO_META_INTERCEPTION_MODE and of the init container's -m. */
  String interceptionMode() {
    return !capture ? "NONE" : tproxy ? "TPROXY" : "REDIRECT";
  }

  /** Istio's interception mode, checked once and upper-cased: REDIRECT, TPROXY or NONE. */
  private static String interceptionMode(String value) {
    String mode = value.trim().toUpperCase(Locale.ROOT);
    if (!List.of("REDIRECT", "TPROXY", "NONE").contains(mode)) {
      throw AnnotationValues.bad(INTERCEPTION_MODE, value, "REDIRECT, TPROXY or NONE");
    }
    return mode;
  }

  /**
   * The same rule outrigger iptables applies to its -x (ExcludedCidrs), so a pod is refused here rather than
   * written with an init container that would fail; Istio's injector refuses "*" here too (not a CIDR).
   */
  private static String excludeOutboundIpRanges(String value) {
    try {
      ExcludedCidrs.checkNotWildcard(value);
    } catch (IllegalArgumentException e) {
      throw new InjectionException("annotation " + EXCLUDE_OUTBOUND_IP_RANGES + ": " + e.getMessage());
    }
    return AnnotationValues.cidrsOrStar(EXCLUDE_OUTBOUND_IP_RANGES, value);
  }

  /** Checked with the rule outrigger iptables applies, so the pod is refused here rather than its init container failing. */
  private static String rulesVersion(String value) {
    try {
      RulesVersion.parse(value);
    } catch (IllegalArgumentException e) {
      throw new InjectionException("annotation " + RULES_VERSION + ": " + e.getMessage());
    }
    return value.trim();
  }

  /** Istio's template: reroute-virtual-interfaces when set (even empty), else kubevirtInterfaces. */
  private static String kubeVirtInterfaces(Map<String, String> annotations) {
    String name = annotations.containsKey(REROUTE_VIRTUAL_INTERFACES) ? REROUTE_VIRTUAL_INTERFACES : KUBEVIRT_INTERFACES;
    return AnnotationValues.interfaces(name, annotations.getOrDefault(name, ""));
  }

  /** Istio validates it as a 16-bit unsigned number (validateStatusPort), so 0 is accepted. */
  private static int statusPort(String value) {
    if (value == null) {
      return DEFAULT_STATUS_PORT;
    }
    try {
      int port = Integer.parseInt(value.trim());
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw AnnotationValues.bad(STATUS_PORT, value, "a port 0-65535 (0: no status port)");
  }

  /** Istio reads it with strconv.ParseBool and falls back to the injector's default (true) on anything else. */
  private static boolean rewriteAppProbes(String value) {
    Boolean parsed = value == null ? null : GoBool.parse(value);
    return parsed == null || parsed;
  }

  /** Istio validates merge-metrics as a bool (validateBool: strconv.ParseBool) and refuses anything else. */
  private static boolean goBool(String name, String value) {
    Boolean parsed = GoBool.parse(value);
    if (parsed == null) {
      throw AnnotationValues.bad(name, value, "true or false");
    }
    return parsed;
  }

  private static InboundMode inboundMode(String value, InboundMode fallback) {
    if (value == null) {
      return fallback;
    }
    try {
      return InboundMode.parse(value);
    } catch (IllegalArgumentException e) {
      throw AnnotationValues.bad(INBOUND_MODE, value, InboundMode.ACCEPTED);
    }
  }

  private static LocalhostInboundPorts localhostInboundPorts(String value) {
    if (value == null) {
      return LocalhostInboundPorts.NONE;
    }
    try {
      return LocalhostInboundPorts.parse(value);
    } catch (IllegalArgumentException e) {
      throw AnnotationValues.bad(LOCALHOST_INBOUND_PORTS, value, "a comma-separated list of ports 1-65535, such as 8080,9090");
    }
  }

  private static String image(String value, String fallback) {
    if (value == null) {
      return fallback;
    }
    if (value.isBlank() || value.chars().anyMatch(Character::isWhitespace)) {
      throw AnnotationValues.bad(PROXY_IMAGE, value, "an image reference");
    }
    return value;
  }

  private static Map<String, Map<String, String>> resources(Map<String, String> annotations) {
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    quantity(annotations, PROXY_CPU, "requests", "cpu", out);
    quantity(annotations, PROXY_MEMORY, "requests", "memory", out);
    quantity(annotations, PROXY_CPU_LIMIT, "limits", "cpu", out);
    quantity(annotations, PROXY_MEMORY_LIMIT, "limits", "memory", out);
    return out;
  }

  private static void quantity(Map<String, String> annotations, String name, String section, String resource,
      Map<String, Map<String, String>> out) {
    String value = annotations.get(name);
    if (value == null) {
      return;
    }
    if (!value.trim().matches("[0-9]+(\\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?")) {
      throw AnnotationValues.bad(name, value, "a Kubernetes quantity such as 100m or 128Mi");
    }
    out.computeIfAbsent(section, k -> new LinkedHashMap<>()).put(resource, value.trim());
  }
}
