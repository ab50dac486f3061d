package dev.outrigger.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.iptables.CommandHarness.Outcome;
import dev.outrigger.iptables.exec.CommandResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command's flow with a fake host: what it runs, prints and returns. Real tables: see privileged tests. */
class IptablesCommandRunTest {
  @TempDir Path dir;
  private final FakeRunner runner = new FakeRunner();

  private Outcome run(List<String> args) {
    return CommandHarness.execute(new Host(Map.of(), runner, FakeBinaries.all(dir), dir.resolve("passwd")), args);
  }

  @Test
  void dryRunPrintsTheRestoreInputAndRunsNothingButAddressLookups() {
    runner.answer("ip", "");
    Outcome outcome = run(with(GoldenCases.args("seed-002"), "--dry-run"));
    assertEquals(0, outcome.exitCode(), outcome.err());
    assertEquals("# IPv4: input for iptables-restore --noflush\n" + GoldenCases.resource("dry-run/seed-002.ipv4.restore"),
        outcome.out());
    assertTrue(runner.calls().stream().allMatch(call -> call.program().equals("ip")), runner.calls().toString());
  }

  @Test
  void dryRunWithIpv6PrintsBothFamilies() {
    runner.answer("ip", "2: eth0    inet6 fd00::2/64 scope global\n");
    Outcome outcome = run(with(GoldenCases.args("seed-002"), "-n"));
    assertTrue(outcome.out().contains("# IPv6: input for ip6tables-restore --noflush\n*nat\n"), outcome.out());
    assertTrue(outcome.out().contains("-A ISTIO_OUTPUT -s ::6/128 -o lo -j RETURN"), outcome.out());
  }

  @Test
  void applyIsOneRestoreCallWithTheWholeTableAndASummary() {
    runner.answer("ip", "");
    runner.answer("iptables-restore", (args, stdin) -> new CommandResult(0, "", ""));
    Outcome outcome = run(GoldenCases.args("seed-002"));
    assertEquals(0, outcome.exitCode(), outcome.err());
    List<FakeRunner.Call> restores = runner.callsTo("iptables-restore");
    assertEquals(1, restores.size());
    assertEquals(List.of("--noflush", "--wait=30"), restores.get(0).command().subList(1, 3));
    assertTrue(restores.get(0).stdin().startsWith("*nat\n:ISTIO_INBOUND - [0:0]\n"), restores.get(0).stdin());
    assertTrue(outcome.out().startsWith("Applied IPv4 nat rules with iptables-restore (19 rules in ISTIO_INBOUND, "
        + "ISTIO_IN_REDIRECT, ISTIO_OUTPUT, ISTIO_REDIRECT):\n-N ISTIO_INBOUND\n"), outcome.out());
  }

  @Test
  void aRejectedRestoreIsOneLineAndExitCodeOne() {
    runner.answer("ip", "");
    runner.answer("iptables-restore", (args, stdin) -> new CommandResult(2, "",
        "iptables-restore v1.8.9 (legacy): can't initialize iptables table `nat': Table does not exist (do you need to insmod?)\n"
            + "Perhaps iptables or your kernel needs to be upgraded.\n"));
    Outcome outcome = run(GoldenCases.args("seed-002"));
    assertEquals(ExitCodes.FAILED, outcome.exitCode());
    assertEquals(1, outcome.err().lines().count(), outcome.err());
    assertTrue(outcome.err().startsWith("outrigger iptables: iptables-restore failed: the table is not available in the kernel"),
        outcome.err());
  }

  @Test
  void missingIptablesIsReportedBeforeAnythingIsApplied() {
    Outcome outcome = CommandHarness.execute(
        new Host(Map.of(), runner.answer("ip", ""), FakeBinaries.in(dir, "ip"), dir.resolve("passwd")), GoldenCases.args("seed-002"));
    assertEquals(ExitCodes.FAILED, outcome.exitCode());
    assertTrue(outcome.err().startsWith("outrigger iptables: iptables-restore not found (needed to apply IPv4 rules"), outcome.err());
    assertEquals(1, outcome.err().lines().count());
  }

  @Test
  void missingIpIsReportedToo() {
    Outcome outcome = CommandHarness.execute(
        new Host(Map.of(), runner, FakeBinaries.in(dir, "iptables-save", "iptables-restore"), dir.resolve("passwd")),
        GoldenCases.args("seed-002"));
    assertEquals(ExitCodes.FAILED, outcome.exitCode());
    assertTrue(outcome.err().startsWith("outrigger iptables: ip not found (needed to inspect IPv6 addresses"), outcome.err());
  }

  @Test
  void cleanupWithNothingToRemoveSaysSo() {
    Outcome outcome = run(List.of("--cleanup-only"));
    assertEquals(0, outcome.exitCode(), outcome.err());
    assertEquals("No ISTIO_ chains or jumps found; nothing to remove\n", outcome.out());
    assertTrue(runner.callsTo("iptables-restore").isEmpty());
  }

  private static List<String> with(List<String> args, String extra) {
    List<String> all = new java.util.ArrayList<>(args);
    all.add(extra);
    return all;
  }
}
