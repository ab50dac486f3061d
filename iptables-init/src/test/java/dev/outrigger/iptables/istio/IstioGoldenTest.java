package dev.outrigger.iptables.istio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.outrigger.iptables.CommandHarness;
import dev.outrigger.iptables.FakeBinaries;
import dev.outrigger.iptables.FakeRunner;
import dev.outrigger.iptables.Host;
import dev.outrigger.iptables.config.CaptureConfig;
import dev.outrigger.iptables.net.Family;
import dev.outrigger.iptables.plan.Plan;
import dev.outrigger.iptables.plan.PlanBuilder;
import dev.outrigger.iptables.plan.PlanListing;
import dev.outrigger.iptables.plan.Table;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our plan for each istio-iptables golden case, per family, against the rules that golden
 * installs: the same chains, the same rules in the same order (compared in canonical form, see
 * {@link NatChains}). IstioGoldenRealTest checks the same cases byte for byte in a real table.
 */
class IstioGoldenTest {
  @TempDir Path dir;

  static Stream<IstioGoldenCase> cases() {
    return IstioGoldenCase.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void ourRulesAreTheGoldensRules(IstioGoldenCase golden) throws Exception {
    IstioGolden expected = IstioGolden.load(golden.resource());
    CaptureConfig config = config(golden.env(), golden.args(), golden.resolvConf());
    for (Family family : Family.values()) {
      boolean written = family == Family.IPV4 || golden.ipv6();
      assertEquals(written, expected.has(family), golden + ": the golden writes " + family + " rules");
      if (written) {
        Plan plan = PlanBuilder.build(config, family);
        Set<String> tables = new TreeSet<>(expected.tables(family));
        plan.tables().forEach(table -> tables.add(table.name()));
        for (String table : tables) {
          List<String> ours = PlanListing.of(plan, new Table(table));
          assertEquals(expected.chains(family, table).withoutEmptyBuiltins(), NatChains.play(ours).withoutEmptyBuiltins(),
              golden + " " + family + " " + table);
        }
      }
    }
  }

  @Test
  void theDefaultIsTheNewestRelease() throws Exception {
    String newest = IstioGoldenCase.RELEASES.get(IstioGoldenCase.RELEASES.size() - 1);
    IstioGolden expected = IstioGolden.load("/istio-goldens/" + newest + "/inbound-ports-wildcard.golden");
    CaptureConfig config = config(Map.of(), List.of("-u", "1337", "-g", "1337", "-b", "*"), "");
    assertEquals(expected.chains(Family.IPV4, "nat").withoutEmptyBuiltins(),
        NatChains.play(PlanListing.of(PlanBuilder.build(config, Family.IPV4), Table.NAT)).withoutEmptyBuiltins());
  }

  @Test
  void canonicalFormIgnoresOptionOrderAndImplicitMatchesButNotNegation() {
    assertEquals(NatChains.canonical("-o lo ! -d 127.0.0.1/32 -p tcp ! --dport 15008 -m owner --uid-owner 1337 -j ISTIO_IN_REDIRECT"),
        NatChains.canonical("! -d 127.0.0.1/32 -o lo -p tcp -m tcp ! --dport 15008 -m owner --uid-owner 1337 -j ISTIO_IN_REDIRECT"));
    assertFalse(NatChains.canonical("-o lo -m owner ! --uid-owner 1337 -j RETURN")
        .equals(NatChains.canonical("-o lo -m owner --uid-owner 1337 -j RETURN")));
  }

  private CaptureConfig config(Map<String, String> env, List<String> args, String resolvConf) throws Exception {
    Path resolv = Files.writeString(dir.resolve("resolv.conf"), resolvConf);
    Host host = new Host(env, new FakeRunner(), FakeBinaries.all(dir), dir.resolve("no-passwd"), resolv);
    return CommandHarness.settings(host, args).capture();
  }
}
