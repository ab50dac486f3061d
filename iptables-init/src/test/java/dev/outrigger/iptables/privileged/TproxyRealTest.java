package dev.outrigger.iptables.privileged;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.iptables.CommandHarness.Outcome;
import dev.outrigger.iptables.istio.IstioGolden;
import dev.outrigger.iptables.istio.IstioGoldenCase;
import dev.outrigger.iptables.net.Family;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * -m TPROXY against istio-iptables' own case "tproxy" at every release read
 * (tools/istio-iptables/pkg/capture/testdata/tproxy.golden with run_test.go's config: inbound ports *,
 * uid and gid 1337, exclude interface not-istio-nic, IPv6 on, and DNS capture). The golden's mangle
 * table, which DNS capture does not touch, is loaded with iptables-restore in one namespace, ours
 * made in another, and the kernel's listings compared byte for byte for both families. (Its nat and
 * raw tables carry --redirect-dns's rules; the pure TPROXY cases inbound-ports-tproxy and
 * inbound-ports-wildcard-tproxy are compared whole by IstioGoldenRealTest.) The policy routes are
 * checked as ip(8) lists them.
 */
class TproxyRealTest {
  private static final List<String> ARGS = List.of("-p", "15001", "-z", "15006", "-e", "15008", "-u", "1337",
      "-g", "1337", "-m", "TPROXY", "-b", "*", "-i", "9.9.0.0/16", "-x", "1.1.0.0/16", "-c", "not-istio-nic");

  @BeforeEach
  void privileged() {
    Privileged.require();
  }

  static Stream<String> releases() {
    return IstioGoldenCase.RELEASES.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("releases")
  void theMangleTableIsWhatIstiosTproxyGoldenMakesForBothFamilies(String release) {
    IstioGolden golden = IstioGolden.load("/istio-goldens/" + release + "/tproxy.golden");
    try (Netns istio = Netns.create().withGlobalIpv6(); Netns ours = Netns.create().withGlobalIpv6()) {
      Outcome outcome = ours.outrigger(withVersion(release));
      assertEquals(0, outcome.exitCode(), outcome.err());
      for (Family family : Family.values()) {
        String binary = family == Family.IPV4 ? "iptables" : "ip6tables";
        istio.restoreNoflush(binary + "-restore", golden.restore(family, "mangle"));
        assertEquals(istio.listing(binary, "mangle"), ours.listing(binary, "mangle"), release + " " + family);
      }
      // The nat table's inbound side is only the tunnel-port RETURN: no PREROUTING jump in TPROXY mode.
      List<String> nat = ours.listing("iptables", "nat");
      assertTrue(nat.contains("-A ISTIO_INBOUND -p tcp -m tcp --dport 15008 -j RETURN"), String.join("\n", nat));
      assertTrue(nat.stream().noneMatch(rule -> rule.startsWith("-A PREROUTING -p tcp -j ISTIO_INBOUND")), String.join("\n", nat));
      // Nothing of Outrigger's own: ISTIO_OUTPUT starts with Istio's 127.0.0.6 RETURN.
      assertEquals("-A ISTIO_OUTPUT -s 127.0.0.6/32 -o lo -j RETURN",
          nat.stream().filter(rule -> rule.startsWith("-A ISTIO_OUTPUT")).findFirst().orElseThrow());
    }
  }

  @Test
  void policyRoutesAreAddedOnceAndRemovedByCleanup() {
    try (Netns pod = Netns.create().withGlobalIpv6()) {
      assertEquals(0, pod.outrigger(ARGS).exitCode());
      Outcome again = pod.outrigger(ARGS);
      assertEquals(0, again.exitCode(), again.err());

      for (String family : List.of("-4", "-6")) {
        List<String> rules = pod.sh("ip", family, "rule", "show").lines().filter(r -> r.contains("lookup 133")).toList();
        assertEquals(1, rules.size(), family + ": " + rules);
        assertTrue(rules.get(0).contains("fwmark 0x539 lookup 133"), rules.get(0));
        assertTrue(pod.sh("ip", family, "route", "show", "table", "133").contains("local default dev lo"), family);
      }

      Outcome cleanup = pod.outrigger(List.of("--cleanup-only"));
      assertEquals(0, cleanup.exitCode(), cleanup.err());
      for (String family : List.of("-4", "-6")) {
        assertFalse(pod.sh("ip", family, "rule", "show").contains("lookup 133"), family);
        assertEquals("", pod.sh("ip", family, "route", "show", "table", "133").strip(), family);
      }
      assertTrue(pod.listing("iptables", "mangle").stream().noneMatch(rule -> rule.contains("ISTIO_")));
      assertTrue(pod.listing("ip6tables", "mangle").stream().noneMatch(rule -> rule.contains("ISTIO_")));
    }
  }

  @Test
  void anotherMarkAndTableAreRoutedAndCleanedUpWithTheSameFlags() {
    List<String> args = new ArrayList<>(ARGS);
    args.addAll(List.of("-t", "100", "-r", "200"));
    try (Netns pod = Netns.create().withGlobalIpv6()) {
      Outcome outcome = pod.outrigger(args);
      assertEquals(0, outcome.exitCode(), outcome.err());
      for (String family : List.of("-4", "-6")) {
        assertTrue(pod.sh("ip", family, "rule", "show").contains("fwmark 0x64 lookup 200"), family);
        assertTrue(pod.sh("ip", family, "route", "show", "table", "200").contains("local default dev lo"), family);
      }
      assertTrue(pod.listing("iptables", "mangle").contains("-A ISTIO_DIVERT -j MARK --set-xmark 0x64/0xffffffff"));

      Outcome cleanup = pod.outrigger(List.of("--cleanup-only", "-t", "100", "-r", "200"));
      assertEquals(0, cleanup.exitCode(), cleanup.err());
      for (String family : List.of("-4", "-6")) {
        assertFalse(pod.sh("ip", family, "rule", "show").contains("lookup 200"), family);
        assertEquals("", pod.sh("ip", family, "route", "show", "table", "200").strip(), family);
      }
    }
  }

  private static List<String> withVersion(String release) {
    List<String> args = new ArrayList<>(ARGS);
    args.addAll(List.of("--rules-version", release));
    return args;
  }
}
