package dev.outrigger.iptables.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.iptables.CommandHarness;
import dev.outrigger.iptables.FakeBinaries;
import dev.outrigger.iptables.FakeRunner;
import dev.outrigger.iptables.GoldenCases;
import dev.outrigger.iptables.Host;
import dev.outrigger.iptables.config.CaptureConfig;
import dev.outrigger.iptables.net.Family;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Flags → plan, compared with the golden `iptables -t nat -S` listings of each case. */
class PlanGoldenTest {
  @TempDir Path dir;

  static Stream<String> cases() {
    return GoldenCases.names();
  }

  private CaptureConfig config(String name) throws Exception {
    Host host = new Host(Map.of(), new FakeRunner(), FakeBinaries.all(dir), dir.resolve("no-passwd"));
    return CommandHarness.settings(host, GoldenCases.args(name)).capture();
  }

  @ParameterizedTest
  @MethodSource("cases")
  void ipv4PlanMatchesGolden(String name) throws Exception {
    List<String> expected = GoldenCases.expectedNat(name, Family.IPV4).orElseThrow();
    assertEquals(expected, PlanListing.of(PlanBuilder.build(config(name), Family.IPV4), Table.NAT));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void ipv6PlanMatchesGoldenWhereOneExists(String name) throws Exception {
    Optional<List<String>> expected = GoldenCases.expectedNat(name, Family.IPV6);
    if (expected.isPresent()) {
      assertEquals(expected.get(), PlanListing.of(PlanBuilder.build(config(name), Family.IPV6), Table.NAT));
    }
  }

  @Test
  void theSeedGoldenIsTheSeedDocumentsListing() {
    // The seed 002 listing, as printed in the blog post (SUMMARY.md, section 002), plus its -P lines.
    assertEquals(27, GoldenCases.expectedNat("seed-002", Family.IPV4).orElseThrow().size());
  }

  @Test
  void everyRuleSaysWhyItExists() throws Exception {
    Plan plan = PlanBuilder.build(config("exclude-interfaces"), Family.IPV4);
    assertTrue(plan.rules().stream().allMatch(rule -> rule.reason().length() > 10), plan.rules().toString());
  }

  @Test
  void redirectModeOnlyTouchesTheNatTable() throws Exception {
    assertEquals(List.of(Table.NAT), List.copyOf(PlanBuilder.build(config("seed-002"), Family.IPV4).tables()));
  }
}
