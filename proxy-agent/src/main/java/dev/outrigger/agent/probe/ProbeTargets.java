package dev.outrigger.agent.probe;

import dev.outrigger.core.inbound.LocalhostInboundPorts;
import java.util.Map;

/**
 * Where each app port's probes go: to the {@link ProbeTarget} Istio's rules pick (the pod IP, or
 * localhost under REWRITE_PROBE_LEGACY_LOCALHOST_DESTINATION), except the ports the proxy forwards
 * to the app over loopback (OUTRIGGER_LOCALHOST_INBOUND_PORTS): an app there listens on lo only,
 * so its probes go to localhost too, and the pod that the annotation makes reachable also passes
 * its probes.
 */
public record ProbeTargets(ProbeTarget standard, ProbeTarget loopback, LocalhostInboundPorts loopbackPorts) {
  public static ProbeTargets fromEnvironment(Map<String, String> env, LocalhostInboundPorts loopbackPorts) {
    ProbeTarget standard = ProbeTarget.fromEnvironment(env);
    return new ProbeTargets(standard, standard.onLocalhost(), loopbackPorts);
  }

  /** Everything to one target (tests, and pods without loopback ports). */
  public static ProbeTargets only(ProbeTarget target) {
    return new ProbeTargets(target, target, LocalhostInboundPorts.NONE);
  }

  public ProbeTarget forPort(int port) {
    return loopbackPorts.ports().contains(port) ? loopback : standard;
  }
}
