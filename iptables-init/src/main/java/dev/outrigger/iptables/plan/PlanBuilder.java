package dev.outrigger.iptables.plan;

import static dev.outrigger.iptables.plan.Chains.ISTIO_IN_REDIRECT;
import static dev.outrigger.iptables.plan.Chains.ISTIO_REDIRECT;

import dev.outrigger.iptables.config.CaptureConfig;
import dev.outrigger.iptables.net.Family;

/** Config → plan for one address family. Pure: reads nothing, runs nothing. */
public final class PlanBuilder {
  private PlanBuilder() {}

  public static Plan build(CaptureConfig config, Family family) throws UnsupportedModeException {
    InboundCapture inbound = InboundCapture.forMode(config.mode());
    RuleList rules = new RuleList(family, config.traceLogging());
    // First, as istio-iptables appends them: ahead of the jumps into our chains.
    new ExcludedInterfaces().addRules(config, rules);
    new InvalidPacketDrop().addRules(config, rules);
    rules.nat(ISTIO_REDIRECT, Specs.redirectTo(config.envoyPort()), "outbound capture target: the proxy's outbound port");
    rules.nat(ISTIO_IN_REDIRECT, Specs.redirectTo(config.inboundCapturePort()), "inbound capture target: the proxy's inbound port",
        Trace.INBOUND_CAPTURE);
    inbound.addRules(config, rules);
    new OutboundCapture().addRules(config, rules);
    new VirtualInterfaceReroute().addRules(config, rules);
    return rules.toPlan();
  }
}
