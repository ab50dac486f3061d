package dev.outrigger.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.iptables.CommandHarness.Outcome;
import dev.outrigger.iptables.net.Family;
import dev.outrigger.iptables.plan.PlanBuilder;
import dev.outrigger.iptables.plan.PlanListing;
import dev.outrigger.iptables.plan.Table;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --iptables-trace-logging beyond the one golden case (Istio's "logging", the default configuration). */
class TraceLoggingTest {
  @TempDir Path dir;

  @Test
  void refusedWhereIstioNoLongerHasIt() {
    Outcome outcome = CommandHarness.execute(host(), List.of("--iptables-trace-logging", "--dry-run"));
    assertEquals(ExitCodes.BAD_OPTION, outcome.exitCode());
    assertTrue(outcome.err().contains("--iptables-trace-logging (IPTABLES_TRACE_LOGGING)"), outcome.err());
  }

  @Test
  void theVariableIsIgnoredWhereIstioNoLongerHasIt() throws Exception {
    Host host = new Host(Map.of("IPTABLES_TRACE_LOGGING", "true"), new FakeRunner(), FakeBinaries.all(dir), dir.resolve("passwd"));
    assertFalse(CommandHarness.settings(host, List.of()).capture().traceLogging(), "1.30 reads no such variable");
    assertTrue(CommandHarness.settings(host, List.of("--rules-version", "1.24")).capture().traceLogging());
  }

  /**
   * istio-iptables inserts a tagged rule at the head of its chain, then its NFLOG rule at the head
   * too: each NFLOG rule sits right above its rule, the last inserted pair on top.
   */
  @Test
  void kubeVirtRulesInsertedAtTheHeadHaveTheirLogRuleRightAbove() throws Exception {
    var config = CommandHarness.settings(host(), List.of("-u", "1337", "-k", "eth1", "-i", "*", "-b", "*",
        "--iptables-trace-logging", "--rules-version", "1.22")).capture();
    List<String> prerouting = PlanListing.of(PlanBuilder.build(config, Family.IPV4), Table.NAT).stream()
        .filter(line -> line.startsWith("-A PREROUTING")).toList();
    assertEquals(List.of(
        "-A PREROUTING -i eth1 -j NFLOG --nflog-prefix KubevirtCommand --nflog-group 1337 --nflog-size 20",
        "-A PREROUTING -i eth1 -j ISTIO_REDIRECT",
        "-A PREROUTING -i eth1 -j NFLOG --nflog-prefix KubevirtCommand --nflog-group 1337 --nflog-size 20",
        "-A PREROUTING -i eth1 -j RETURN",
        "-A PREROUTING -p tcp -j NFLOG --nflog-prefix JumpInbound --nflog-group 1337 --nflog-size 20",
        "-A PREROUTING -p tcp -j ISTIO_INBOUND"), prerouting);
  }

  private Host host() {
    return new Host(Map.of(), new FakeRunner(), FakeBinaries.all(dir), dir.resolve("passwd"));
  }
}
