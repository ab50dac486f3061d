package dev.outrigger.agent;

import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which inbound ports the init rules capture, from the pod's annotations
 * traffic.sidecar.istio.io/includeInboundPorts and excludeInboundPorts (the injector writes both
 * on the pod, and the agent reads them from the downward-API volume at /etc/istio/pod). Without
 * them (no volume, not injected by us) every port counts as captured, as the injector's default
 * {@code *} captures every port.
 *
 * @param included the included ports; empty for {@code *} (all)
 * @param excluded ports never captured
 */
record CapturedInboundPorts(Optional<Set<Integer>> included, Set<Integer> excluded) {
  static final String INCLUDE = "traffic.sidecar.istio.io/includeInboundPorts";
  static final String EXCLUDE = "traffic.sidecar.istio.io/excludeInboundPorts";
  static final CapturedInboundPorts ALL = new CapturedInboundPorts(Optional.empty(), Set.of());

  CapturedInboundPorts {
    included = included.map(Set::copyOf);
    excluded = Set.copyOf(excluded);
  }

  /** From the pod's annotations; an unreadable list is ignored (the injector validated it already). */
  static CapturedInboundPorts of(PodInfo pod) {
    String include = pod.annotations().getOrDefault(INCLUDE, "*").trim();
    Optional<Set<Integer>> included = "*".equals(include) ? Optional.empty() : ports(include);
    Set<Integer> excluded = ports(pod.annotations().getOrDefault(EXCLUDE, "")).orElse(Set.of());
    return new CapturedInboundPorts(included, excluded);
  }

  boolean captures(int port) {
    return !excluded.contains(port) && included.map(ports -> ports.contains(port)).orElse(true);
  }

  /** "8080,9090" to its ports; empty if any element is not a port. */
  private static Optional<Set<Integer>> ports(String list) {
    Set<Integer> out = new TreeSet<>();
    for (String item : list.split(",")) {
      if (item.isBlank()) {
        continue;
      }
      try {
        int port = Integer.parseInt(item.trim());
        if (port < 1 || port > 65535) {
          return Optional.empty();
        }
        out.add(port);
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }
    return Optional.of(out);
  }

  /** "*" or the included list, and the excluded one, for config_dump. */
  String label() {
    return included.map(LocalhostListenerCheck::join).orElse("*")
        + (excluded.isEmpty() ? "" : " except " + LocalhostListenerCheck.join(excluded));
  }
}
