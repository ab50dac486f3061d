package dev.outrigger.iptables.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.iptables.config.CaptureConfig;
import dev.outrigger.iptables.config.CidrSelection;
import dev.outrigger.iptables.config.DnsCapture;
import dev.outrigger.iptables.config.InterceptionMode;
import dev.outrigger.iptables.config.OwnerGroups;
import dev.outrigger.iptables.config.PortSelection;
import dev.outrigger.iptables.config.RulesVersion;
import dev.outrigger.iptables.config.TproxyRouting;
import dev.outrigger.iptables.net.Cidr;
import dev.outrigger.iptables.net.Family;
import dev.outrigger.iptables.net.InterfaceName;
import dev.outrigger.iptables.net.OwnerIds;
import dev.outrigger.iptables.net.Port;
import dev.outrigger.iptables.plan.Plan;
import dev.outrigger.iptables.plan.PlanBuilder;
import dev.outrigger.iptables.plan.PlanListing;
import dev.outrigger.iptables.plan.Rule;
import dev.outrigger.iptables.plan.Table;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReconcilerTest {
  static final CaptureConfig SEED = new CaptureConfig(new Port(15001), new Port(15006), new Port(15008),
      OwnerIds.parse("1337"), OwnerIds.parse("1337"), InterceptionMode.REDIRECT, PortSelection.ALL,
      Port.parseList("15090,15021,15020"), CidrSelection.ALL, List.of(), List.of(), List.of(), List.of(), List.of(),
      new Port(15002), Duration.ofSeconds(5), RulesVersion.ISTIO_1_12, false,
      OwnerGroups.ALL, Family.IPV4.loopback(), TproxyRouting.DEFAULTS, DnsCapture.OFF, false);

  private final Plan plan = build();

  private static Plan build() {
    try {
      return PlanBuilder.build(SEED, Family.IPV4);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static SavedRuleset saved(List<String> natListing) {
    return SaveParser.parse(SaveText.of("nat", natListing));
  }

  private List<String> appliedListing(String... extra) {
    List<String> lines = new ArrayList<>(PlanListing.of(plan, Table.NAT));
    lines.addAll(List.of(extra));
    return lines;
  }

  @Test
  void onAnEmptyTableEverythingIsCreated() {
    TableEdit nat = Reconciler.reconcile(plan, SavedRuleset.EMPTY).edits().get(0);
    assertEquals(List.of("ISTIO_INBOUND", "ISTIO_IN_REDIRECT", "ISTIO_OUTPUT", "ISTIO_REDIRECT"), nat.declaredChains());
    assertEquals(plan.rules().size(), nat.appends().size());
    assertEquals(List.of(), nat.deletions());
  }

  @Test
  void aStaleDnsCaptureRuleInABuiltinChainGoesAPlannedOneStays() throws Exception {
    CaptureConfig withDns = new CaptureConfig(SEED.envoyPort(), SEED.inboundCapturePort(), SEED.inboundTunnelPort(),
        SEED.proxyUids(), SEED.proxyGids(), SEED.mode(), SEED.inboundPorts(), SEED.inboundExcludePorts(),
        SEED.outboundCidrs(), SEED.outboundExcludeCidrs(), SEED.outboundPorts(), SEED.outboundExcludePorts(),
        SEED.excludeInterfaces(), SEED.kubeVirtInterfaces(), SEED.probePort(), SEED.probeTimeout(), SEED.rulesVersion(),
        SEED.dropInvalid(), SEED.ownerGroups(), SEED.ipv4Loopback(), SEED.tproxy(),
        new DnsCapture(true, false, List.of(Cidr.parse("10.96.0.10/32"))), false);
    Plan dnsPlan = PlanBuilder.build(withDns, Family.IPV4);
    List<String> listing = new ArrayList<>(PlanListing.of(dnsPlan, Table.NAT));
    // An earlier run's rule for a nameserver resolv.conf no longer names.
    listing.add("-A OUTPUT -d 10.96.0.99/32 -p udp -m udp --dport 53 -j REDIRECT --to-ports 15053");
    TableEdit nat = Reconciler.reconcile(dnsPlan, saved(listing)).edits().get(0);
    assertEquals(List.of("-D OUTPUT -d 10.96.0.99/32 -p udp -m udp --dport 53 -j REDIRECT --to-ports 15053"),
        nat.deletions().stream().map(SavedRule::deleteLine).toList());
    assertEquals(dnsPlan.ownedRules(Table.NAT), nat.appends(), "the planned DNS rules of nat OUTPUT are there already");
  }

  @Test
  void reapplyingRedeclaresOurChainsButKeepsTheExistingJumps() {
    TableEdit nat = Reconciler.reconcile(plan, saved(appliedListing())).edits().get(0);
    assertEquals(4, nat.declaredChains().size(), "declaring flushes, so the chain rules are not duplicated");
    assertEquals(plan.ownedRules(Table.NAT), nat.appends(), "no second PREROUTING/OUTPUT jump");
    assertEquals(List.of(), nat.deletions());
    assertEquals(List.of(), nat.removedChains());
  }

  @Test
  void reapplyingKubeVirtRulesAddsNoSecondReturn() throws Exception {
    CaptureConfig kubeVirt = new CaptureConfig(SEED.envoyPort(), SEED.inboundCapturePort(), SEED.inboundTunnelPort(),
        SEED.proxyUids(), SEED.proxyGids(), SEED.mode(), SEED.inboundPorts(), SEED.inboundExcludePorts(),
        SEED.outboundCidrs(), SEED.outboundExcludeCidrs(), SEED.outboundPorts(), SEED.outboundExcludePorts(),
        SEED.excludeInterfaces(), InterfaceName.parseList("eth1,eth2"), SEED.probePort(), SEED.probeTimeout(), SEED.rulesVersion(),
        SEED.dropInvalid(), SEED.ownerGroups(), SEED.ipv4Loopback(), SEED.tproxy(), SEED.dns(), false);
    Plan withKubeVirt = PlanBuilder.build(kubeVirt, Family.IPV4);
    TableEdit first = Reconciler.reconcile(withKubeVirt, SavedRuleset.EMPTY).edits().get(0);
    assertTrue(first.appends().stream().map(Rule::restoreLine).toList().contains("-I PREROUTING 1 -i eth1 -j RETURN"));

    TableEdit again = Reconciler.reconcile(withKubeVirt, saved(PlanListing.of(withKubeVirt, Table.NAT))).edits().get(0);
    assertEquals(withKubeVirt.ownedRules(Table.NAT), again.appends(), "the -i eth1/eth2 RETURN rules are already there");
    assertEquals(List.of(), again.deletions());
  }

  @Test
  void staleAndDuplicateJumpsAreDeletedAndForeignRulesKept() {
    SavedRuleset current = saved(appliedListing(
        "-N KUBE-SERVICES",
        "-A OUTPUT -j ISTIO_OUTPUT",
        "-A OUTPUT -p tcp -j ISTIO_OUTPUT",
        "-A OUTPUT -d 10.0.0.1/32 -j ACCEPT",
        "-A KUBE-SERVICES -j ISTIO_OUTPUT"));
    TableEdit nat = Reconciler.reconcile(plan, current).edits().get(0);
    assertEquals(List.of(new SavedRule("OUTPUT", "-j ISTIO_OUTPUT"), new SavedRule("OUTPUT", "-p tcp -j ISTIO_OUTPUT")),
        nat.deletions(), "the old-style jump and the second copy of ours go; ACCEPT and KUBE-SERVICES stay");
  }

  @Test
  void ourChainsThatThePlanNoLongerWantsAreRemovedInEveryTable() {
    String dump = SaveText.of("nat", appliedListing("-N ISTIO_OLD", "-A PREROUTING -j ISTIO_OLD", "-A ISTIO_OLD -j RETURN"))
        + SaveText.of("mangle", List.of("-P PREROUTING ACCEPT", "-N ISTIO_DIVERT", "-N ISTIO_TPROXY",
            "-A PREROUTING -p tcp -j ISTIO_DIVERT", "-A PREROUTING -j MARK --set-mark 7", "-A ISTIO_DIVERT -j ISTIO_TPROXY"));
    RestoreScript script = Reconciler.reconcile(plan, SaveParser.parse(dump));
    TableEdit nat = script.edits().get(0);
    assertEquals(List.of("ISTIO_OLD"), nat.removedChains());
    assertEquals(List.of(new SavedRule("PREROUTING", "-j ISTIO_OLD")), nat.deletions());
    TableEdit mangle = script.edits().get(1);
    assertEquals(Table.MANGLE, mangle.table());
    assertEquals(List.of("ISTIO_DIVERT", "ISTIO_TPROXY"), mangle.removedChains());
    assertEquals(List.of(new SavedRule("PREROUTING", "-p tcp -j ISTIO_DIVERT")), mangle.deletions());
    assertTrue(mangle.appends().isEmpty());
  }
}
