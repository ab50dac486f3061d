package dev.outrigger.iptables.plan;

import static dev.outrigger.iptables.plan.Chains.ISTIO_IN_REDIRECT;
import static dev.outrigger.iptables.plan.Chains.ISTIO_OUTPUT;
import static dev.outrigger.iptables.plan.Chains.ISTIO_REDIRECT;
import static dev.outrigger.iptables.plan.Chains.OUTPUT;

import dev.outrigger.iptables.config.CaptureConfig;
import dev.outrigger.iptables.config.CidrSelection;
import dev.outrigger.iptables.config.DnsCapture;
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
      rules.nat(OUTPUT, "-p tcp -j " + ISTIO_OUTPUT, "send outbound TCP through the outbound capture chain", Trace.JUMP_OUTBOUND);
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
    String notDns = config.dns().enabled() ? " -p tcp -m tcp ! --dport " + DnsCapture.DNS_PORT : "";
    for (Long uid : config.proxyUids().ids()) {
      ownerRules(rules, loopback, loopbackRedirectMatch(config, true), notDns, "--uid-owner " + uid, keepLoopbackCaptured);
    }
    for (Long gid : config.proxyGids().ids()) {
      ownerRules(rules, loopback, loopbackRedirectMatch(config, false), notDns, "--gid-owner " + gid, keepLoopbackCaptured);
    }
    new OwnerGroupCapture().addRules(config.ownerGroups(), rules);
    DnsCaptureRules dns = new DnsCaptureRules();
    dns.addOutputRules(config, rules);
    rules.nat(ISTIO_OUTPUT, "-d " + loopback + " -j RETURN", "connections to localhost stay local");
    for (Cidr cidr : config.outboundExcludeCidrs().stream().filter(c -> c.family() == family).toList()) {
      rules.nat(ISTIO_OUTPUT, "-d " + cidr + " -j RETURN", "destination " + cidr + " is excluded");
    }
    for (Port port : config.outboundPorts()) {
      rules.nat(ISTIO_OUTPUT, Specs.tcpPort(port) + " " + Specs.jump(ISTIO_REDIRECT), "outbound port " + port + " is captured");
    }
    addDestinations(config.outboundCidrs(), version, family, rules);
    dns.addUdpRules(config, rules);
  }

  /**
   * What the proxy's lo connections to this pod's own address must match to go to inbound capture.
   * Since 1.18 connections to the tunnel port are left alone: they already reach the proxy. With DNS
   * capture the proxy uid's DNS over TCP is left alone too (app → agent → nameserver, never through
   * inbound capture); istio-iptables writes that for the uid rules only, never for the gid rules.
   */
  private static String loopbackRedirectMatch(CaptureConfig config, boolean uidRule) {
    boolean skipDns = uidRule && config.dns().enabled();
    if (!config.rulesVersion().tunnelPortSkipsLoopbackRedirect()) {
      return skipDns ? " -p tcp -m tcp ! --dport " + DnsCapture.DNS_PORT : "";
    }
    return skipDns
        ? " -p tcp -m multiport ! --dports " + DnsCapture.DNS_PORT + "," + config.inboundTunnelPort()
        : " -p tcp -m tcp ! --dport " + config.inboundTunnelPort();
  }

  /**
   * The proxy's own sockets: re-captured only when they loop back to a non-local address (app → own VIP).
   *
   * @param notDns with DNS capture, the lo RETURN spares TCP DNS: a nameserver on localhost is still captured
   */
  private static void ownerRules(RuleList rules, Cidr loopback, String toSelf, String notDns, String owner,
      boolean keepLoopbackCaptured) {
    rules.nat(ISTIO_OUTPUT, "! -d " + loopback + " -o lo" + toSelf + " -m owner " + owner + " " + Specs.jump(ISTIO_IN_REDIRECT),
        "proxy traffic to this pod's own address (the app calling its own service) still goes through inbound capture");
    if (!keepLoopbackCaptured) {
      rules.nat(ISTIO_OUTPUT, "-o lo" + notDns + " -m owner ! " + owner + " -j RETURN", "the app talking to itself over lo is not captured");
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
