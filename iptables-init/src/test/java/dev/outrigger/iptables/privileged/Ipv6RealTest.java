package dev.outrigger.iptables.privileged;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.outrigger.iptables.CommandHarness.Outcome;
import dev.outrigger.iptables.GoldenCases;
import dev.outrigger.iptables.net.Family;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class Ipv6RealTest {
  private static final List<String> SEED = GoldenCases.args("seed-002");

  @BeforeEach
  void privileged() {
    Privileged.require();
  }

  @Test
  void aGlobalIpv6AddressGetsTheSameRulesInIp6tablesAndColon6OnLo() {
    try (Netns pod = Netns.create().withGlobalIpv6()) {
      Outcome outcome = pod.outrigger(SEED);
      assertEquals(0, outcome.exitCode(), outcome.err());
      assertEquals(GoldenCases.expectedNat("seed-002", Family.IPV6).orElseThrow(), pod.listing("ip6tables", "nat"));
      assertEquals(GoldenCases.expectedNat("seed-002", Family.IPV4).orElseThrow(), pod.listing("iptables", "nat"));
      assertEquals(1, passthroughAddresses(pod));

      Outcome again = pod.outrigger(SEED);
      assertEquals(0, again.exitCode(), again.err());
      assertEquals(GoldenCases.expectedNat("seed-002", Family.IPV6).orElseThrow(), pod.listing("ip6tables", "nat"));
      assertEquals(1, passthroughAddresses(pod), "::6 is added once");
    }
  }

  @Test
  void withoutAGlobalIpv6AddressIp6tablesIsLeftAlone() {
    try (Netns pod = Netns.create()) {
      pod.sh("ip", "-6", "addr", "add", "fe80::2/64", "dev", "lo"); // link-local does not count
      assertEquals(0, pod.outrigger(SEED).exitCode());
      assertFalse(pod.save("ip6tables-save").contains("ISTIO_"));
      assertEquals(0, passthroughAddresses(pod));
    }
  }

  private static long passthroughAddresses(Netns pod) {
    return pod.sh("ip", "-6", "-o", "addr", "show", "dev", "lo").lines().filter(line -> line.contains(" ::6/128 ")).count();
  }
}
