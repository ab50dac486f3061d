package dev.outrigger.iptables.privileged;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.iptables.CommandHarness.Outcome;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * -m TPROXY against istio-iptables' own case "tproxy" (istio/istio 1.12.9,
 * tools/istio-iptables/pkg/capture/testdata/tproxy.golden with run_test.go's config: inbound ports *,
 * uid and gid 1337, exclude interface not-istio-nic, IPv6 on). Istio's golden is the commands it
 * runs; they are run here with the real iptables in one namespace, ours in another, and the kernel's
 * listings of the mangle table compared: the same rules, in the same order, whatever spelling each
 * side used. The policy routes are checked as ip(8) lists them.
 */
class TproxyRealTest {
  /** The golden's IPv4 mangle commands, in its order (its IPv6 ones differ only in the addresses). */
  private static final String ISTIO_1_12_MANGLE = """
      -N ISTIO_DIVERT
      -N ISTIO_TPROXY
      -N ISTIO_INBOUND
      -A PREROUTING -i not-istio-nic -j RETURN
      -A OUTPUT -o not-istio-nic -j RETURN
      -A ISTIO_DIVERT -j MARK --set-mark 1337
      -A ISTIO_DIVERT -j ACCEPT
      -A ISTIO_TPROXY ! -d 127.0.0.1/32 -p tcp -j TPROXY --tproxy-mark 1337/0xffffffff --on-port 15006
      -A PREROUTING -p tcp -j ISTIO_INBOUND
      -A ISTIO_INBOUND -p tcp --dport 22 -j RETURN
      -A ISTIO_INBOUND -p tcp -m conntrack --ctstate RELATED,ESTABLISHED -j ISTIO_DIVERT
      -A ISTIO_INBOUND -p tcp -j ISTIO_TPROXY
      -A PREROUTING -p tcp -m mark --mark 1337 -j CONNMARK --save-mark
      -A OUTPUT -p tcp -o lo -m mark --mark 1337 -j RETURN
      -A OUTPUT ! -d 127.0.0.1/32 -p tcp -o lo -m owner --uid-owner 1337 -j MARK --set-mark 1338
      -A OUTPUT ! -d 127.0.0.1/32 -p tcp -o lo -m owner --gid-owner 1337 -j MARK --set-mark 1338
      -A OUTPUT -p tcp -m connmark --mark 1337 -j CONNMARK --restore-mark
      -I ISTIO_INBOUND 1 -p tcp -m mark --mark 1337 -j RETURN
      -I ISTIO_INBOUND 2 -p tcp -s 127.0.0.6/32 -i lo -j RETURN
      -I ISTIO_INBOUND 3 -p tcp -i lo -m mark ! --mark 1338 -j RETURN
      """;
  private static final List<String> ARGS = List.of("-p", "15001", "-z", "15006", "-e", "15008", "-u", "1337",
      "-g", "1337", "-m", "TPROXY", "-b", "*", "-i", "9.9.0.0/16", "-x", "1.1.0.0/16", "-c", "not-istio-nic",
      "--rules-version", "1.12");

  @BeforeEach
  void privileged() {
    Privileged.require();
  }

  @Test
  void theMangleTableIsWhatIstiosCommandsMakeForBothFamilies() {
    try (Netns istio = Netns.create().withGlobalIpv6(); Netns ours = Netns.create().withGlobalIpv6()) {
      for (String line : ISTIO_1_12_MANGLE.lines().toList()) {
        istio.sh(command("iptables", line));
        istio.sh(command("ip6tables", line.replace("127.0.0.1/32", "::1/128").replace("127.0.0.6/32", "::6/128")));
      }
      Outcome outcome = ours.outrigger(ARGS);
      assertEquals(0, outcome.exitCode(), outcome.err());

      assertEquals(istio.listing("iptables", "mangle"), ours.listing("iptables", "mangle"));
      assertEquals(istio.listing("ip6tables", "mangle"), ours.listing("ip6tables", "mangle"));
      // The nat table's inbound side is only the tunnel-port RETURN: no PREROUTING jump in TPROXY mode.
      List<String> nat = ours.listing("iptables", "nat");
      assertTrue(nat.contains("-A ISTIO_INBOUND -p tcp -m tcp --dport 15008 -j RETURN"), String.join("\n", nat));
      assertTrue(nat.stream().noneMatch(rule -> rule.startsWith("-A PREROUTING -p tcp -j ISTIO_INBOUND")), String.join("\n", nat));
      // Ours, not Istio's: the proxy's marked connections to the app are not redirected back to 15006.
      assertEquals("-A ISTIO_OUTPUT -p tcp -m mark --mark 0x539 -j RETURN",
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

  private static String[] command(String binary, String line) {
    List<String> words = new ArrayList<>(List.of(binary, "-t", "mangle"));
    words.addAll(List.of(line.split(" ")));
    return words.toArray(String[]::new);
  }
}
