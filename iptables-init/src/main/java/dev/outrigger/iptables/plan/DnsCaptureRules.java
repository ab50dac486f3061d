package dev.outrigger.iptables.plan;

import static dev.outrigger.iptables.plan.Chains.ISTIO_INBOUND;
import static dev.outrigger.iptables.plan.Chains.ISTIO_OUTPUT;
import static dev.outrigger.iptables.plan.Chains.ISTIO_OUTPUT_DNS;
import static dev.outrigger.iptables.plan.Chains.OUTPUT;
import static dev.outrigger.iptables.plan.Chains.PREROUTING;

import dev.outrigger.iptables.config.CaptureConfig;
import dev.outrigger.iptables.config.DnsCapture;
import dev.outrigger.iptables.config.OwnerGroups;
import dev.outrigger.iptables.config.RulesVersion;
import dev.outrigger.iptables.config.RulesVersion.DnsLayout;
import dev.outrigger.iptables.net.Cidr;
import dev.outrigger.iptables.net.Family;
import java.util.ArrayList;
import java.util.List;

/**
 * --redirect-dns: the pod's DNS to the agent's DNS proxy (port 15053), TCP and UDP, to the
 * resolv.conf nameservers or (--capture-all-dns) to any address; the proxy's own queries go out
 * untouched. UDP DNS is also split into two conntrack zones in the raw table (zone 1: proxy ↔
 * nameserver, zone 2: app ↔ proxy), so that the app's query and the proxy's query for it, which can
 * share a 5-tuple after NAT, do not collide in conntrack. Where each rule goes follows the release
 * ({@link DnsLayout}).
 */
final class DnsCaptureRules {
  private static final String DNS = DnsCapture.DNS_PORT;
  private static final String AGENT = DnsCapture.AGENT_PORT;

  /**
   * The rules ISTIO_OUTPUT reaches after the proxy's RETURNs and the owner groups, before the
   * localhost RETURN: TCP DNS redirects (to 1.24), or the jump to ISTIO_OUTPUT_DNS with everything
   * that comes with it (since 1.25).
   */
  void addOutputRules(CaptureConfig config, RuleList rules) {
    DnsCapture dns = config.dns();
    if (!dns.enabled()) {
      return;
    }
    Family family = rules.family();
    if (config.rulesVersion().dnsLayout() != DnsLayout.DNS_CHAINS) {
      for (String destination : destinations(dns, family)) {
        rules.nat(ISTIO_OUTPUT, destination + "-p tcp -m tcp --dport " + DNS + " -j REDIRECT --to-ports " + AGENT,
            "the app's TCP DNS goes to the agent's DNS proxy");
      }
      return;
    }
    // A jump only where there is something to redirect: Istio writes no no-op jump for a family without nameservers.
    if (dns.redirects(family)) {
      rules.nat(ISTIO_OUTPUT, Specs.jump(ISTIO_OUTPUT_DNS), "the app's DNS goes through the DNS capture chain");
      for (String destination : destinations(dns, family)) {
        rules.nat(ISTIO_OUTPUT_DNS, destination + "-p tcp -m tcp --dport " + DNS + " -j REDIRECT --to-ports " + AGENT,
            "the app's TCP DNS goes to the agent's DNS proxy");
      }
      for (String destination : destinations(dns, family)) {
        rules.nat(ISTIO_OUTPUT_DNS, destination + "-p udp -m udp --dport " + DNS + " -j REDIRECT --to-ports " + AGENT,
            "the app's UDP DNS goes to the agent's DNS proxy");
      }
    }
    rules.raw(OUTPUT, Specs.jump(ISTIO_OUTPUT_DNS), "DNS packets get their conntrack zone before conntrack sees them");
    addConntrackZones(config, ISTIO_OUTPUT_DNS, ISTIO_INBOUND, rules);
  }

  /**
   * The UDP rules, written after the outbound ranges until 1.24: in nat OUTPUT and raw OUTPUT
   * themselves (to 1.22), or in ISTIO_OUTPUT behind an udp jump from OUTPUT (1.23, 1.24).
   */
  void addUdpRules(CaptureConfig config, RuleList rules) {
    DnsCapture dns = config.dns();
    DnsLayout layout = config.rulesVersion().dnsLayout();
    if (!dns.enabled() || layout == DnsLayout.DNS_CHAINS) {
      return;
    }
    String chain = OUTPUT;
    if (layout == DnsLayout.ISTIO_OUTPUT_UDP) {
      chain = ISTIO_OUTPUT;
      rules.nat(OUTPUT, "-p udp -j " + ISTIO_OUTPUT, "send outbound UDP through the outbound capture chain (for DNS)",
          Trace.JUMP_OUTBOUND);
      rules.add(Table.RAW, OUTPUT, "-p udp -j " + ISTIO_OUTPUT,
          "outbound UDP gets its DNS conntrack zone in the raw table's ISTIO_OUTPUT", Trace.JUMP_OUTBOUND);
    }
    String udpDns = "-p udp -m udp --dport " + DNS;
    for (String owner : owners(config)) {
      rules.nat(chain, udpDns + " -m owner " + owner + " -j RETURN", "the proxy's own DNS queries go to the nameserver");
    }
    addOwnerGroupReturns(config.ownerGroups(), chain, udpDns, rules);
    for (String destination : destinations(dns, rules.family())) {
      rules.nat(chain, destination + udpDns + " -j REDIRECT --to-ports " + AGENT, "the app's UDP DNS goes to the agent's DNS proxy");
    }
    addConntrackZones(config, chain, PREROUTING, rules);
  }

  /** The owner-group filter applies to UDP DNS too (1.14 to 1.24): a group that is not captured keeps its own resolver. */
  private static void addOwnerGroupReturns(OwnerGroups groups, String chain, String udpDns, RuleList rules) {
    if (groups.allExcept()) {
      for (String group : groups.groups()) {
        rules.nat(chain, udpDns + " -m owner --gid-owner " + group + " -j RETURN", "DNS of group " + group + " is not captured");
      }
      return;
    }
    StringBuilder noneOf = new StringBuilder();
    for (String group : groups.groups()) {
      noneOf.append(" -m owner ! --gid-owner ").append(group);
    }
    rules.nat(chain, udpDns + noneOf + " -j RETURN", "only DNS of groups " + String.join(",", groups.groups()) + " is captured");
  }

  /**
   * raw: the proxy's queries to the nameserver and its answers to the app in zones 1 and 2, the
   * app's queries in zone 2, the nameserver's replies in zone 1.
   *
   * @param replies where the replies' zone rule goes: raw PREROUTING itself, or ISTIO_INBOUND behind a jump (since 1.25)
   */
  private static void addConntrackZones(CaptureConfig config, String outChain, String replies, RuleList rules) {
    for (String owner : owners(config)) {
      rules.raw(outChain, "-p udp -m udp --dport " + DNS + " -m owner " + owner + " -j CT --zone 1",
          "the proxy's queries to the nameserver: zone 1");
      rules.raw(outChain, "-p udp -m udp --sport " + AGENT + " -m owner " + owner + " -j CT --zone 2",
          "the proxy's answers to the app: zone 2");
    }
    DnsCapture dns = config.dns();
    Family family = rules.family();
    if (!dns.redirects(family)) {
      return;
    }
    if (!replies.equals(PREROUTING)) {
      rules.raw(PREROUTING, Specs.jump(replies), "the nameserver's replies get their conntrack zone");
    }
    RulesVersion version = config.rulesVersion();
    List<String> destinations = destinations(dns, family);
    for (int i = 0; i < destinations.size(); i++) {
      String destination = destinations.get(i);
      rules.raw(outChain, destination + "-p udp -m udp --dport " + DNS + " -j CT --zone 2", "the app's DNS queries: zone 2");
      // Until 1.20 the reply rule matched the nameserver as destination, which a reply never has.
      String source = dns.captureAll() ? "" : (version.dnsRepliesMatchedBySource() ? "-s " : "-d ") + dns.nameservers(family).get(i) + " ";
      rules.raw(replies, source + "-p udp -m udp --sport " + DNS + " -j CT --zone 1", "the nameserver's replies: zone 1");
    }
  }

  /** "--uid-owner N" for each proxy uid, then "--gid-owner N" for each gid, in istio-iptables' order. */
  private static List<String> owners(CaptureConfig config) {
    List<String> owners = new ArrayList<>();
    config.proxyUids().ids().forEach(uid -> owners.add("--uid-owner " + uid));
    config.proxyGids().ids().forEach(gid -> owners.add("--gid-owner " + gid));
    return owners;
  }

  /** "" (any address) with --capture-all-dns, else "-d <nameserver> " per nameserver of the family. */
  private static List<String> destinations(DnsCapture dns, Family family) {
    if (dns.captureAll()) {
      return List.of("");
    }
    List<String> destinations = new ArrayList<>();
    for (Cidr server : dns.nameservers(family)) {
      destinations.add("-d " + server + " ");
    }
    return destinations;
  }
}
