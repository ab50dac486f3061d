package dev.outrigger.agent.probe;

import dev.outrigger.core.inbound.LocalhostInboundPorts;
import java.net.Inet6Address;
import java.net.InetAddress;
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
    // The family of the source Istio's rules picked (::6 for an IPv6 pod) is the family of localhost.
    InetAddress localhost = standard.source() instanceof Inet6Address ? v6Loopback() : v4Loopback();
    return new ProbeTargets(standard, new ProbeTarget("localhost", localhost, standard.source()), loopbackPorts);
  }

  /** Everything to one target (tests, and pods without loopback ports). */
  public static ProbeTargets only(ProbeTarget target) {
    return new ProbeTargets(target, target, LocalhostInboundPorts.NONE);
  }

  public ProbeTarget forPort(int port) {
    return loopbackPorts.ports().contains(port) ? loopback : standard;
  }

  private static InetAddress v4Loopback() {
    return literal(new byte[] {127, 0, 0, 1});
  }

  private static InetAddress v6Loopback() {
    byte[] one = new byte[16];
    one[15] = 1;
    return literal(one);
  }

  private static InetAddress literal(byte[] address) {
    try {
      return InetAddress.getByAddress(address);
    } catch (java.net.UnknownHostException impossible) {
      throw new IllegalStateException(impossible);
    }
  }
}
