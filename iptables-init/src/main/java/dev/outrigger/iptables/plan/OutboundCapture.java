package dev.outrigger.iptables.plan;

import static dev.outrigger.iptables.plan.Chains.ISTIO_IN_REDIRECT;
import static dev.outrigger.iptables.plan.Chains.ISTIO_OUTPUT;
import static dev.outrigger.iptables.plan.Chains.ISTIO_REDIRECT;
import static dev.outrigger.iptables.plan.Chains.OUTPUT;

import dev.outrigger.iptables.config.CaptureConfig;
import dev.outrigger.iptables.config.CidrSelection;
import dev.outrigger.iptables.net.Cidr;
import dev.outrigger.iptables.net.Family;
import dev.outrigger.iptables.net.InterfaceName;
import dev.outrigger.iptables.net.Port;
import java.util.List;

/** ISTIO_OUTPUT: which locally originated connections go to the outbound port (istio 1.12 rules). */
final class OutboundCapture {

  void addRules(CaptureConfig config, RuleList rules) {
    Family family = rules.family();
    rules.nat(OUTPUT, "-p tcp -j " + ISTIO_OUTPUT, "send outbound TCP through the outbound capture chain");
    for (InterfaceName nic : config.excludeInterfaces()) {
      rules.nat(ISTIO_OUTPUT, "-o " + nic + " -j RETURN", "traffic leaving by excluded interface " + nic + " is not captured");
    }
    for (Port port : config.outboundExcludePorts()) {
      rules.nat(ISTIO_OUTPUT, Specs.tcpPort(port) + " -j RETURN", "outbound port " + port + " is excluded");
    }
    rules.nat(ISTIO_OUTPUT, "-s " + family.inboundPassthrough() + " -o lo -j RETURN",
        "the proxy's connections to the app come from " + family.inboundPassthrough() + "; never capture them");
    boolean keepLoopbackCaptured = config.outboundCidrs().includesLoopback();
    for (Long uid : config.proxyUids().ids()) {
      ownerRules(rules, "--uid-owner " + uid, keepLoopbackCaptured);
    }
    for (Long gid : config.proxyGids().ids()) {
      ownerRules(rules, "--gid-owner " + gid, keepLoopbackCaptured);
    }
    rules.nat(ISTIO_OUTPUT, "-d " + family.loopback() + " -j RETURN", "connections to localhost stay local");
    for (Cidr cidr : config.outboundExcludeCidrs().stream().filter(c -> c.family() == family).toList()) {
      rules.nat(ISTIO_OUTPUT, "-d " + cidr + " -j RETURN", "destination " + cidr + " is excluded");
    }
    for (Port port : config.outboundPorts()) {
      rules.nat(ISTIO_OUTPUT, Specs.tcpPort(port) + " " + Specs.jump(ISTIO_REDIRECT), "outbound port " + port + " is captured");
    }
    addDestinations(config.outboundCidrs(), family, rules);
  }

  /** The proxy's own sockets: re-captured only when they loop back to a non-local address (app → own VIP). */
  private static void ownerRules(RuleList rules, String owner, boolean keepLoopbackCaptured) {
    Family family = rules.family();
    rules.nat(ISTIO_OUTPUT, "! -d " + family.loopback() + " -o lo -m owner " + owner + " " + Specs.jump(ISTIO_IN_REDIRECT),
        "proxy traffic to this pod's own address (the app calling its own service) still goes through inbound capture");
    if (!keepLoopbackCaptured) {
      rules.nat(ISTIO_OUTPUT, "-o lo -m owner ! " + owner + " -j RETURN", "the app talking to itself over lo is not captured");
    }
    rules.nat(ISTIO_OUTPUT, "-m owner " + owner + " -j RETURN", "the proxy's own outbound traffic must not loop back into it");
  }

  private static void addDestinations(CidrSelection cidrs, Family family, RuleList rules) {
    if (cidrs.all()) {
      rules.nat(ISTIO_OUTPUT, Specs.jump(ISTIO_REDIRECT), "all other outbound traffic goes to the proxy");
      return;
    }
    List<Cidr> included = cidrs.of(family);
    for (Cidr cidr : included) {
      rules.nat(ISTIO_OUTPUT, "-d " + cidr + " " + Specs.jump(ISTIO_REDIRECT), "destination " + cidr + " is captured");
    }
    if (!included.isEmpty()) {
      rules.nat(ISTIO_OUTPUT, "-j RETURN", "nothing outside the captured ranges is redirected (as istio-iptables writes it)");
    }
  }
}
