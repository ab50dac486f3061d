package dev.outrigger.iptables.privileged;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.iptables.CommandHarness.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** DNS capture in real tables: re-runs add nothing, other nameservers replace the old rules, cleanup leaves none. */
class DnsCaptureRealTest {
  @TempDir Path dir;

  @BeforeEach
  void privileged() {
    Privileged.require();
  }

  /** Every DNS layout: in builtin chains (1.12, 1.22), behind ISTIO_OUTPUT (1.24), ISTIO_OUTPUT_DNS (1.30). */
  @ParameterizedTest
  @ValueSource(strings = {"1.12", "1.22", "1.24", "1.30"})
  void reapplyingChangingNameserversAndCleanupLeaveNoStrayDnsRule(String version) throws Exception {
    Path resolv = dir.resolve("resolv.conf");
    List<String> args = List.of("-p", "15001", "-z", "15006", "-u", "1337", "-g", "1337", "-i", "*", "-b", "*",
        "--redirect-dns", "--rules-version", version);
    try (Netns pod = Netns.create().withGlobalIpv6()) {
      Files.writeString(resolv, "nameserver 10.96.0.10\nnameserver fd00::10\n");
      assertEquals(0, pod.outrigger(Map.of(), args, resolv).exitCode());
      String once = pod.save("iptables-save") + pod.save("ip6tables-save");
      assertTrue(pod.listing("iptables", "raw").stream().anyMatch(rule -> rule.contains("-d 10.96.0.10/32") && rule.contains("--zone 2")),
          pod.listing("iptables", "raw").toString());
      assertTrue(pod.listing("ip6tables", "nat").stream().anyMatch(rule -> rule.contains("-d fd00::10/128")),
          pod.listing("ip6tables", "nat").toString());

      assertEquals(0, pod.outrigger(Map.of(), args, resolv).exitCode());
      assertEquals(once, pod.save("iptables-save") + pod.save("ip6tables-save"), "a re-run changes nothing");

      Files.writeString(resolv, "nameserver 10.96.0.20\n");
      assertEquals(0, pod.outrigger(Map.of(), args, resolv).exitCode());
      String moved = pod.save("iptables-save");
      assertFalse(moved.contains("10.96.0.10"), moved);
      assertTrue(moved.contains("10.96.0.20"), moved);

      Outcome cleanup = pod.outrigger(Map.of(), List.of("--cleanup-only"), resolv);
      assertEquals(0, cleanup.exitCode(), cleanup.err());
      for (String binary : List.of("iptables", "ip6tables")) {
        for (String table : List.of("nat", "raw")) {
          assertTrue(pod.listing(binary, table).stream().allMatch(rule -> rule.startsWith("-P ")),
              binary + " " + table + ": " + pod.listing(binary, table));
        }
      }
    }
  }
}
