package dev.outrigger.iptables.privileged;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.outrigger.iptables.CommandHarness.Outcome;
import dev.outrigger.iptables.ExitCodes;
import dev.outrigger.iptables.GoldenCases;
import dev.outrigger.iptables.net.Family;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** --network-namespace: the command runs in one namespace and writes the rules into another. */
class NetworkNamespaceRealTest {
  private static final List<String> SEED = GoldenCases.args("seed-002");

  @BeforeEach
  void privileged() {
    Privileged.require();
  }

  @Test
  void theRulesGoIntoTheNamedNamespaceOnly() {
    try (Netns agent = Netns.create(); Netns pod = Netns.create()) {
      Outcome outcome = agent.outrigger(SEED, "--network-namespace", "/var/run/netns/" + pod.name());
      assertEquals(0, outcome.exitCode(), outcome.err());
      assertEquals(GoldenCases.expectedNat("seed-002", Family.IPV4).orElseThrow(), pod.listing("iptables", "nat"));
      assertFalse(agent.save("iptables-save").contains("ISTIO_"), "the namespace the command runs in is untouched");
    }
  }

  @Test
  void validationCannotFollowIntoAnotherNamespace() {
    try (Netns agent = Netns.create(); Netns pod = Netns.create()) {
      Outcome outcome = agent.outrigger(SEED, "--network-namespace", "/var/run/netns/" + pod.name(), "--run-validation");
      assertEquals(ExitCodes.BAD_OPTION, outcome.exitCode());
      assertFalse(pod.save("iptables-save").contains("ISTIO_"), "refused before anything was written");
    }
  }
}
