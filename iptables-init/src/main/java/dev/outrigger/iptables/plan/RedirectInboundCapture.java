package dev.outrigger.iptables.plan;

import static dev.outrigger.iptables.plan.Chains.ISTIO_INBOUND;
import static dev.outrigger.iptables.plan.Chains.ISTIO_IN_REDIRECT;
import static dev.outrigger.iptables.plan.Chains.PREROUTING;

import dev.outrigger.iptables.config.CaptureConfig;
import dev.outrigger.iptables.net.Port;

/** Inbound capture with nat REDIRECT to the inbound capture port (istio's default mode). */
final class RedirectInboundCapture implements InboundCapture {
  private static final Port SSH = new Port(22);

  @Override
  public void addRules(CaptureConfig config, RuleList rules) {
    // istio-iptables adds this even when no inbound port is captured, so the chain always exists.
    rules.nat(ISTIO_INBOUND, Specs.tcpPort(config.inboundTunnelPort()) + " -j RETURN",
        "the inbound tunnel (HBONE) port reaches the proxy directly");
    if (config.inboundPorts().none()) {
      return;
    }
    rules.nat(PREROUTING, "-p tcp -j " + ISTIO_INBOUND, "send inbound TCP through the inbound capture chain", Trace.JUMP_INBOUND);
    if (config.inboundPorts().all()) {
      if (config.rulesVersion().sshInboundReturn()) {
        rules.nat(ISTIO_INBOUND, Specs.tcpPort(SSH) + " -j RETURN", "never capture ssh, so a broken proxy cannot lock out the node",
            Trace.EXCLUDE_INBOUND_PORT);
      }
      for (Port port : config.inboundExcludePorts()) {
        rules.nat(ISTIO_INBOUND, Specs.tcpPort(port) + " -j RETURN", "inbound port " + port + " is excluded", Trace.EXCLUDE_INBOUND_PORT);
      }
      rules.nat(ISTIO_INBOUND, "-p tcp " + Specs.jump(ISTIO_IN_REDIRECT), "every other inbound port goes to the proxy");
      return;
    }
    for (Port port : config.inboundPorts().ports()) {
      rules.nat(ISTIO_INBOUND, Specs.tcpPort(port) + " " + Specs.jump(ISTIO_IN_REDIRECT), "inbound port " + port + " is captured",
          Trace.INCLUDE_INBOUND_PORT);
    }
  }
}
