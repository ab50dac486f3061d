package dev.outrigger.iptables.validation;

import dev.outrigger.iptables.config.CaptureConfig;
import dev.outrigger.iptables.net.Cidr;
import dev.outrigger.iptables.net.Family;
import dev.outrigger.iptables.net.Port;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * One family's probe, as istio-iptables' validator sets it up: listeners on loopback at the proxy's
 * outbound and inbound ports, and a client on loopback dialling the inbound passthrough address at
 * the probe port. Only the capture rules can connect the two.
 */
public record ProbeTarget(Family family, List<InetSocketAddress> listeners, InetSocketAddress clientSource,
    InetSocketAddress probe, Port probePort) {

  public static ProbeTarget of(Family family, CaptureConfig config) {
    InetAddress loopback = address(family.loopback());
    return new ProbeTarget(family,
        List.of(new InetSocketAddress(loopback, config.envoyPort().number()),
            new InetSocketAddress(loopback, config.inboundCapturePort().number())),
        new InetSocketAddress(loopback, 0),
        new InetSocketAddress(address(family.inboundPassthrough()), config.probePort().number()),
        config.probePort());
  }

  private static InetAddress address(Cidr host) {
    try {
      return InetAddress.getByAddress(host.network());
    } catch (UnknownHostException impossible) {
      throw new IllegalStateException(impossible);
    }
  }
}
