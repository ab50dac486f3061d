package dev.outrigger.iptables.config;

import dev.outrigger.iptables.net.Cidr;
import dev.outrigger.iptables.net.InterfaceName;
import dev.outrigger.iptables.net.OwnerIds;
import dev.outrigger.iptables.net.Port;
import java.time.Duration;
import java.util.List;

/** What to capture and how to probe it: the validated form of istio-iptables' flags. */
public record CaptureConfig(
    Port envoyPort,
    Port inboundCapturePort,
    Port inboundTunnelPort,
    OwnerIds proxyUids,
    OwnerIds proxyGids,
    InterceptionMode mode,
    PortSelection inboundPorts,
    List<Port> inboundExcludePorts,
    CidrSelection outboundCidrs,
    List<Cidr> outboundExcludeCidrs,
    List<Port> outboundPorts,
    List<Port> outboundExcludePorts,
    List<InterfaceName> excludeInterfaces,
    List<InterfaceName> kubeVirtInterfaces,
    Port probePort,
    Duration probeTimeout,
    RulesVersion rulesVersion,
    boolean dropInvalid,
    OwnerGroups ownerGroups,
    Cidr ipv4Loopback,
    TproxyRouting tproxy,
    DnsCapture dns,
    boolean traceLogging) {

  public CaptureConfig {
    inboundExcludePorts = List.copyOf(inboundExcludePorts);
    outboundExcludeCidrs = List.copyOf(outboundExcludeCidrs);
    outboundPorts = List.copyOf(outboundPorts);
    outboundExcludePorts = List.copyOf(outboundExcludePorts);
    excludeInterfaces = List.copyOf(excludeInterfaces);
    kubeVirtInterfaces = List.copyOf(kubeVirtInterfaces);
  }
}
