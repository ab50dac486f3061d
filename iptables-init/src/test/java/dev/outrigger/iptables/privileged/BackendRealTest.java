package dev.outrigger.iptables.privileged;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.iptables.CommandHarness.Outcome;
import dev.outrigger.iptables.ExitCodes;
import dev.outrigger.iptables.GoldenCases;
import dev.outrigger.iptables.net.Family;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** nf_tables vs legacy: the rules follow the backend already in use, and ISTIO_ leftovers elsewhere stop us. */
class BackendRealTest {
  private static final List<String> SEED = GoldenCases.args("seed-002");

  @BeforeEach
  void privileged() {
    Privileged.requireLegacy();
  }

  @Test
  void rulesGoToLegacyWhenOnlyLegacyHasRules() {
    try (Netns pod = Netns.create()) {
      pod.sh("iptables-legacy", "-t", "nat", "-A", "OUTPUT", "-d", "10.9.9.9/32", "-j", "ACCEPT");
      Outcome outcome = pod.outrigger(SEED);
      assertEquals(0, outcome.exitCode(), outcome.err());
      assertTrue(outcome.out().contains("with iptables-legacy-restore"), outcome.out());
      List<String> expected = new ArrayList<>(GoldenCases.expectedNat("seed-002", Family.IPV4).orElseThrow());
      expected.add(expected.indexOf("-A OUTPUT -p tcp -j ISTIO_OUTPUT"), "-A OUTPUT -d 10.9.9.9/32 -j ACCEPT");
      assertEquals(expected, pod.listing("iptables-legacy", "nat"));
      assertFalse(pod.save("iptables-nft-save").contains("ISTIO_"));

      assertEquals(0, pod.outrigger(SEED).exitCode(), "idempotent on legacy too");
      assertEquals(expected, pod.listing("iptables-legacy", "nat"));
      assertEquals(0, pod.outrigger(List.of("--cleanup-only")).exitCode());
      assertEquals(List.of("-P PREROUTING ACCEPT", "-P INPUT ACCEPT", "-P OUTPUT ACCEPT", "-P POSTROUTING ACCEPT",
          "-A OUTPUT -d 10.9.9.9/32 -j ACCEPT"), pod.listing("iptables-legacy", "nat"));
    }
  }

  @Test
  void istioChainsInTheOtherBackendAreAOneLineErrorAndNothingIsApplied() {
    try (Netns pod = Netns.create()) {
      pod.sh("iptables-nft", "-t", "nat", "-A", "OUTPUT", "-d", "10.9.9.9/32", "-j", "ACCEPT");
      pod.sh("iptables-legacy", "-t", "nat", "-N", "ISTIO_OUTPUT");
      String before = pod.save("iptables-nft-save");
      Outcome outcome = pod.outrigger(SEED);
      assertEquals(ExitCodes.FAILED, outcome.exitCode());
      assertEquals(1, outcome.err().lines().count(), outcome.err());
      assertTrue(outcome.err().startsWith("outrigger iptables: ISTIO_ chains exist in legacy tables while IPv4 rules go to nft"
          + " (iptables backend mismatch)"), outcome.err());
      assertEquals(before, pod.save("iptables-nft-save"));

      assertEquals(0, pod.outrigger(List.of("--cleanup-only")).exitCode(), "cleanup reaches both backends");
      assertEquals(0, pod.outrigger(SEED).exitCode());
    }
  }
}
