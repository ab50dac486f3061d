package dev.outrigger.iptables.plan;

import static dev.outrigger.iptables.plan.Chains.ISTIO_IN_REDIRECT;
import static dev.outrigger.iptables.plan.Chains.ISTIO_OUTPUT;
import static dev.outrigger.iptables.plan.Chains.ISTIO_REDIRECT;
import static dev.outrigger.iptables.plan.Chains.OUTPUT;

import dev.outrigger.iptables.config.CaptureConfig;
import dev.outrigger.iptables.config.CidrSelection;
import dev.outrigger.iptables.config.RulesVersion;
import dev.outrigger.iptables.net.Cidr;
import dev.outrigger.iptables.net.Family;
import dev.outrigger.iptables.net.Port;
import java.util.List;

/** ISTIO_OUTPUT: which locally originated connections go to the outbound port, as the chosen Istio release writes it. */
final class OutboundCapture {

  void addRules(CaptureConfig config, RuleList rules) {
    Family family = rules.family();
    RulesVersion version = config.rulesVersion();
    if (version.tcpOnlyOutputJump()) {
      rules.nat(OUTPUT, "-p tcp -j " + ISTIO_OUTPUT, "send outbound TCP through the outbound capture chain");
    } else {
      rules.nat(OUTPUT, Specs.jump(ISTIO_OUTPUT), "send all outbound traffic through the outbound capture chain (udp only meets RETURNs there)");
    }
    for (Port port : config.outboundExcludePorts()) {
      rules.nat(ISTIO_OUTPUT, Specs.tcpPort(port) + " -j RETURN", "outbound port " + port + " is excluded");
      if (version.udpOutboundPortExclusion()) {
        rules.nat(ISTIO_OUTPUT, Specs.udpPort(port) + " -j RETURN", "outbound port " + port + " is excluded for udp too");
      }
    }
    rules.nat(ISTIO_OUTPUT, "-s " + family.inboundPassthrough() + " -o lo -j RETURN",
        "the proxy's connections to the app come from " + family.inboundPassthrough() + "; never capture them");
    boolean keepLoopbackCaptured = config.outboundCidrs().includesLoopback();
    Cidr loopback = family == Family.IPV4 ? config.ipv4Loopback() : family.loopback();
    String toSelf = loopbackRedirectMatch(config);
    for (Long uid : config.proxyUids().ids()) {
      ownerRules(rules, loopback, toSelf, "--uid-owner " + uid, keepLoopbackCaptured);
    }
    for (Long gid : config.proxyGids().ids()) {
      ownerRules(rules, loopback, toSelf, "--gid-owner " + gid, keepLoopbackCaptured);
    }
    new OwnerGroupCapture().addRules(config.ownerGroups(), rules);
    rules.nat(ISTIO_OUTPUT, "-d " + loopback + " -j RETURN", "connections to localhost stay local");
    for (Cidr cidr : config.outboundExcludeCidrs().stream().filter(c -> c.family() == family).toList()) {
      rules.nat(ISTIO_OUTPUT, "-d " + cidr + " -j RETURN", "destination " + cidr + " is excluded");
    }
    for (Port port : config.outboundPorts()) {
      rules.nat(ISTIO_OUTPUT, Specs.tcpPort(port) + " " + Specs.jump(ISTIO_REDIRECT), "outbound port " + port + " is captured");
    }
    addDestinations(config.outboundCidrs(), version, family, rules);
  }

  /**
   * What the proxy's lo connections to this pod's own address must match to go to inbound capture.
   * Since 1.18 connections to the tunnel port are left alone: they already reach the proxy.
   */
  private static String loopbackRedirectMatch(CaptureConfig config) {
    return config.rulesVersion().tunnelPortSkipsLoopbackRedirect()
        ? " -p tcp -m tcp ! --dport " + config.inboundTunnelPort()
        : "";
  }

  /** The proxy's own sockets: re-captured only when they loop back to a non-local address (app → own VIP). */
  private static void ownerRules(RuleList rules, Cidr loopback, String toSelf, String owner, boolean keepLoopbackCaptured) {
    rules.nat(ISTIO_OUTPUT, "! -d " + loopback + " -o lo" + toSelf + " -m owner " + owner + " " + Specs.jump(ISTIO_IN_REDIRECT),
        "proxy traffic to this pod's own address (the app calling its own service) still goes through inbound capture");
    if (!keepLoopbackCaptured) {
      rules.nat(ISTIO_OUTPUT, "-o lo -m owner ! " + owner + " -j RETURN", "the app talking to itself over lo is not captured");
    }
    rules.nat(ISTIO_OUTPUT, "-m owner " + owner + " -j RETURN", "the proxy's own outbound traffic must not loop back into it");
  }

  private static void addDestinations(CidrSelection cidrs, RulesVersion version, Family family, RuleList rules) {
    if (cidrs.all()) {
      rules.nat(ISTIO_OUTPUT, Specs.jump(ISTIO_REDIRECT), "all other outbound traffic goes to the proxy");
      return;
    }
    List<Cidr> included = cidrs.of(family);
    for (Cidr cidr : included) {
      rules.nat(ISTIO_OUTPUT, "-d " + cidr + " " + Specs.jump(ISTIO_REDIRECT), "destination " + cidr + " is captured");
    }
    if (!included.isEmpty() && version.trailingReturnAfterRanges()) {
      rules.nat(ISTIO_OUTPUT, "-j RETURN", "nothing outside the captured ranges is redirected (as istio-iptables writes it)");
    }
  }
}
