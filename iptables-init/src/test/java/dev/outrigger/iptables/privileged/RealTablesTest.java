package dev.outrigger.iptables.privileged;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.iptables.CommandHarness.Outcome;
import dev.outrigger.iptables.GoldenCases;
import dev.outrigger.iptables.net.Family;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The command against the kernel's real tables (iptables-nft, the system default here), in throwaway namespaces. */
class RealTablesTest {
  private static final List<String> SEED = GoldenCases.args("seed-002");

  @BeforeEach
  void privileged() {
    Privileged.require();
  }

  static Stream<String> cases() {
    return GoldenCases.names();
  }

  @Test
  void seed002IsWhatIptablesListsByteForByte() throws Exception {
    try (Netns pod = Netns.create()) {
      Outcome outcome = pod.outrigger(SEED);
      assertEquals(0, outcome.exitCode(), outcome.err());
      Path golden = Path.of(getClass().getResource("/cases/seed-002/ipv4.nat").toURI());
      assertEquals(Files.readString(golden), pod.sh("iptables", "-t", "nat", "-S"));
    }
  }

  @ParameterizedTest
  @MethodSource("cases")
  void everyGoldenCaseIsWhatTheKernelLists(String name) {
    Optional<List<String>> ipv6 = GoldenCases.expectedNat(name, Family.IPV6);
    try (Netns pod = Netns.create()) {
      if (ipv6.isPresent()) {
        pod.withGlobalIpv6();
      }
      Outcome outcome = pod.outrigger(GoldenCases.args(name));
      assertEquals(0, outcome.exitCode(), outcome.err());
      assertEquals(GoldenCases.expectedNat(name, Family.IPV4).orElseThrow(), pod.listing("iptables", "nat"));
      ipv6.ifPresent(expected -> assertEquals(expected, pod.listing("ip6tables", "nat")));
    }
  }

  @Test
  void applyingTwiceLeavesTheSameTablesAndForeignRulesInPlace() {
    try (Netns pod = Netns.create()) {
      pod.sh("iptables", "-t", "nat", "-A", "OUTPUT", "-d", "10.9.9.9/32", "-j", "ACCEPT");
      assertEquals(0, pod.outrigger(SEED).exitCode());
      String first = pod.save("iptables-save");
      pod.sh("iptables", "-t", "nat", "-A", "OUTPUT", "-d", "10.8.8.8/32", "-j", "ACCEPT");
      assertEquals(0, pod.outrigger(SEED).exitCode());
      List<String> second = pod.listing("iptables", "nat");
      List<String> expected = new ArrayList<>(first.lines().filter(l -> l.startsWith("-A")).toList());
      expected.add(expected.indexOf("-A OUTPUT -p tcp -j ISTIO_OUTPUT") + 1, "-A OUTPUT -d 10.8.8.8/32 -j ACCEPT");
      assertEquals(expected, second.stream().filter(l -> l.startsWith("-A")).toList(), "no duplicates, nothing moved");
      assertEquals("-A OUTPUT -d 10.9.9.9/32 -j ACCEPT", expected.get(1), "foreign rule ahead of our jump stays ahead");
    }
  }

  @Test
  void reapplyingWithOtherFlagsLeavesExactlyTheNewRules() {
    try (Netns pod = Netns.create()) {
      assertEquals(0, pod.outrigger(SEED).exitCode());
      assertEquals(0, pod.outrigger(GoldenCases.args("inbound-none")).exitCode());
      assertEquals(GoldenCases.expectedNat("inbound-none", Family.IPV4).orElseThrow(), pod.listing("iptables", "nat"));
    }
  }

  @Test
  void kubeVirtRulesApplyOnceWhateverTheNumberOfRuns() {
    try (Netns pod = Netns.create()) {
      List<String> args = GoldenCases.args("kube-virt-interfaces");
      assertEquals(0, pod.outrigger(args).exitCode());
      assertEquals(0, pod.outrigger(args).exitCode());
      assertEquals(GoldenCases.expectedNat("kube-virt-interfaces", Family.IPV4).orElseThrow(), pod.listing("iptables", "nat"),
          "the PREROUTING -i ethN -j RETURN rules are not inserted a second time");
    }
  }

  @Test
  void dryRunChangesNothing() {
    try (Netns pod = Netns.create()) {
      pod.sh("iptables", "-t", "nat", "-A", "OUTPUT", "-d", "10.9.9.9/32", "-j", "ACCEPT");
      String before = pod.save("iptables-save");
      Outcome outcome = pod.outrigger(SEED, "--dry-run");
      assertEquals(0, outcome.exitCode(), outcome.err());
      assertTrue(outcome.out().contains("-A ISTIO_OUTPUT -j ISTIO_REDIRECT"), outcome.out());
      assertEquals(before, pod.save("iptables-save"));
      assertEquals(0, pod.outrigger(SEED).exitCode());
      String applied = pod.save("iptables-save");
      assertEquals(0, pod.outrigger(List.of("--cleanup-only", "--dry-run")).exitCode());
      assertEquals(applied, pod.save("iptables-save"));
    }
  }

  @Test
  void cleanupRemovesEveryIstioChainAndJumpButNothingElse() {
    try (Netns pod = Netns.create().withGlobalIpv6()) {
      assertEquals(0, pod.outrigger(SEED).exitCode());
      pod.sh("iptables", "-t", "nat", "-A", "OUTPUT", "-d", "10.9.9.9/32", "-j", "ACCEPT");
      pod.sh("iptables", "-t", "nat", "-N", "KUBE-FOREIGN");
      pod.sh("iptables", "-t", "nat", "-A", "KUBE-FOREIGN", "-j", "ISTIO_OUTPUT");
      pod.sh("iptables", "-t", "mangle", "-N", "ISTIO_DIVERT");
      pod.sh("iptables", "-t", "mangle", "-A", "PREROUTING", "-p", "tcp", "-j", "ISTIO_DIVERT");
      pod.sh("iptables", "-t", "mangle", "-A", "ISTIO_DIVERT", "-j", "MARK", "--set-mark", "1337");
      pod.sh("iptables", "-t", "mangle", "-A", "PREROUTING", "-j", "MARK", "--set-mark", "7");

      Outcome outcome = pod.outrigger(List.of("--cleanup-only"));
      assertEquals(0, outcome.exitCode(), outcome.err());
      assertFalse(pod.save("iptables-save").contains("ISTIO_"), pod.save("iptables-save"));
      assertFalse(pod.save("ip6tables-save").contains("ISTIO_"), pod.save("ip6tables-save"));
      assertTrue(pod.listing("iptables", "nat").contains("-A OUTPUT -d 10.9.9.9/32 -j ACCEPT"));
      assertTrue(pod.listing("iptables", "nat").contains("-N KUBE-FOREIGN"));
      assertTrue(pod.listing("iptables", "mangle").contains("-A PREROUTING -j MARK --set-xmark 0x7/0xffffffff"));
      Outcome again = pod.outrigger(List.of("--cleanup-only"));
      assertEquals("No ISTIO_ chains or jumps found; nothing to remove\n", again.out());
    }
  }
}
