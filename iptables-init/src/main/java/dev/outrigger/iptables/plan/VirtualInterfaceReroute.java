package dev.outrigger.iptables.plan;

import static dev.outrigger.iptables.plan.Chains.ISTIO_REDIRECT;
import static dev.outrigger.iptables.plan.Chains.PREROUTING;

import dev.outrigger.iptables.config.CaptureConfig;
import dev.outrigger.iptables.net.Cidr;
import dev.outrigger.iptables.net.InterfaceName;

/**
 * -k/--kube-virt-interfaces: a KubeVirt VM's traffic enters the pod on a virtual interface, so what
 * it sends is the pod's outbound traffic although the pod sees it arrive. istio-iptables (1.12 and
 * since) inserts, at the head of nat PREROUTING: a RETURN per interface (never inbound capture), then
 * above those a jump to the outbound redirect for the destinations outbound capture covers.
 */
final class VirtualInterfaceReroute {

  void addRules(CaptureConfig config, RuleList rules) {
    for (InterfaceName nic : config.kubeVirtInterfaces()) {
      rules.natAtTop(PREROUTING, "-i " + nic + " -j RETURN",
          "traffic from the VM on virtual interface " + nic + " is not inbound: skip inbound capture", Trace.KUBEVIRT);
    }
    if (config.outboundCidrs().all()) {
      for (InterfaceName nic : config.kubeVirtInterfaces()) {
        rules.natAtTop(PREROUTING, "-i " + nic + " " + Specs.jump(ISTIO_REDIRECT),
            "the VM's connections via " + nic + " are the pod's outbound traffic: to the proxy's outbound port",
            Trace.KUBEVIRT);
      }
      return;
    }
    // Interfaces inside ranges, as istio-iptables loops: the last range's rules end up on top.
    for (Cidr cidr : config.outboundCidrs().of(rules.family())) {
      for (InterfaceName nic : config.kubeVirtInterfaces()) {
        rules.natAtTop(PREROUTING, "-d " + cidr + " -i " + nic + " " + Specs.jump(ISTIO_REDIRECT),
            "the VM's connections via " + nic + " to captured range " + cidr + " go to the proxy's outbound port",
            Trace.KUBEVIRT);
      }
    }
  }
}
