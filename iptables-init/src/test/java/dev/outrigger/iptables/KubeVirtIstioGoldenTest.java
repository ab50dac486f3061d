package dev.outrigger.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.outrigger.iptables.CommandHarness.Outcome;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * -k against istio-iptables' own goldens (istio/istio 1.12.0,
 * tools/istio-iptables/pkg/capture/testdata/{kube-virt-interfaces,ipnets-with-kube-virt-interfaces}.golden,
 * run with run_test.go's config: ports 15001/15006/15008, uid and gid 1337, no inbound ports).
 * Istio's goldens are the commands it runs, ours the iptables-restore input: both are played onto an
 * empty PREROUTING chain ("-A" appends, "-I PREROUTING 1" inserts at the head) and the resulting
 * chains compared, each rule's match options taken as a set (istio writes "-i eth1 -d 10.0.0.0/8",
 * iptables lists "-d 10.0.0.0/8 -i eth1"). The other chains are checked by the golden cases.
 */
class KubeVirtIstioGoldenTest {
  private static final String ISTIO_KUBE_VIRT = """
      iptables -t nat -N ISTIO_INBOUND
      iptables -t nat -N ISTIO_REDIRECT
      iptables -t nat -N ISTIO_IN_REDIRECT
      iptables -t nat -N ISTIO_OUTPUT
      iptables -t nat -I PREROUTING 1 -i eth1 -j RETURN
      iptables -t nat -I PREROUTING 1 -i eth2 -j RETURN
      iptables -t nat -A ISTIO_INBOUND -p tcp --dport 15008 -j RETURN
      iptables -t nat -A ISTIO_REDIRECT -p tcp -j REDIRECT --to-ports 15001
      iptables -t nat -A ISTIO_IN_REDIRECT -p tcp -j REDIRECT --to-ports 15006
      iptables -t nat -A OUTPUT -p tcp -j ISTIO_OUTPUT
      iptables -t nat -A ISTIO_OUTPUT -j ISTIO_REDIRECT
      iptables -t nat -I PREROUTING 1 -i eth1 -j ISTIO_REDIRECT
      iptables -t nat -I PREROUTING 1 -i eth2 -j ISTIO_REDIRECT
      """;
  /** An excerpt: the PREROUTING lines and their neighbours, in the golden's order. */
  private static final String ISTIO_IPNETS_KUBE_VIRT = """
      iptables -t nat -I PREROUTING 1 -i eth1 -j RETURN
      iptables -t nat -I PREROUTING 1 -i eth2 -j RETURN
      iptables -t nat -A ISTIO_OUTPUT -d 127.0.0.1/32 -j RETURN
      iptables -t nat -I PREROUTING 1 -i eth1 -d 10.0.0.0/8 -j ISTIO_REDIRECT
      iptables -t nat -I PREROUTING 1 -i eth2 -d 10.0.0.0/8 -j ISTIO_REDIRECT
      iptables -t nat -A ISTIO_OUTPUT -d 10.0.0.0/8 -j ISTIO_REDIRECT
      iptables -t nat -A ISTIO_OUTPUT -j RETURN
      """;

  @TempDir Path dir;
  private final FakeRunner runner = new FakeRunner();

  @Test
  void wildcardOutboundCaptureReroutesEachVirtualInterfaceAboveItsReturn() {
    assertEquals(prerouting(ISTIO_KUBE_VIRT), prerouting(dryRun("-i", "*")));
  }

  @Test
  void outboundRangesRerouteOnlyThoseDestinations() {
    assertEquals(prerouting(ISTIO_IPNETS_KUBE_VIRT), prerouting(dryRun("-i", "10.0.0.0/8")));
  }

  @Test
  void withoutOutboundCaptureTheInterfacesAreOnlyExemptFromInboundCapture() {
    assertEquals(List.of("-i eth2 -j RETURN", "-i eth1 -j RETURN"), prerouting(dryRun("-i", "")));
  }

  private String dryRun(String... outbound) {
    runner.answer("ip", "");
    List<String> args = new ArrayList<>(List.of("-p", "15001", "-z", "15006", "-e", "15008", "-u", "1337", "-g", "1337",
        "-k", "eth1,eth2", "--dry-run", "--rules-version", "1.12"));
    args.addAll(Arrays.asList(outbound));
    Outcome outcome = CommandHarness.execute(new Host(Map.of(), runner, FakeBinaries.all(dir), dir.resolve("passwd")), args);
    assertEquals(0, outcome.exitCode(), outcome.err());
    return outcome.out();
  }

  /** PREROUTING after playing every "-A PREROUTING" / "-I PREROUTING 1" line, in order, onto an empty chain. */
  private static List<String> prerouting(String lines) {
    List<String> chain = new ArrayList<>();
    for (String line : lines.lines().map(l -> l.replaceFirst("^iptables -t nat ", "")).toList()) {
      if (line.startsWith("-A PREROUTING ")) {
        chain.add(canonical(line.substring("-A PREROUTING ".length())));
      } else if (line.startsWith("-I PREROUTING 1 ")) {
        chain.add(0, canonical(line.substring("-I PREROUTING 1 ".length())));
      }
    }
    return chain;
  }

  /** "-i eth1 -d 10.0.0.0/8 -j X" and "-d 10.0.0.0/8 -i eth1 -j X" alike: match options sorted, the target last. */
  private static String canonical(String spec) {
    String[] parts = spec.split(" -j ", 2);
    String[] words = parts[0].trim().split(" ");
    Map<String, String> options = new TreeMap<>();
    for (int i = 0; i + 1 < words.length; i += 2) {
      options.put(words[i], words[i + 1]);
    }
    StringBuilder out = new StringBuilder();
    options.forEach((option, value) -> out.append(option).append(' ').append(value).append(' '));
    return out.append("-j ").append(parts[1]).toString();
  }
}
