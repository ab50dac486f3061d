package dev.outrigger.iptables.istio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.outrigger.iptables.CommandHarness;
import dev.outrigger.iptables.FakeBinaries;
import dev.outrigger.iptables.FakeRunner;
import dev.outrigger.iptables.Host;
import dev.outrigger.iptables.config.CaptureConfig;
import dev.outrigger.iptables.net.Family;
import dev.outrigger.iptables.plan.PlanBuilder;
import dev.outrigger.iptables.plan.PlanListing;
import dev.outrigger.iptables.plan.Table;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The mangle table of istio-iptables' case "tproxy" (run_test.go: -m TPROXY, inbound *, -i 9.9.0.0/16,
 * -x 1.1.0.0/16, -c not-istio-nic, uid/gid 1337, IPv6, and DNS capture, which leaves mangle alone)
 * at every release read, both families: the -c RETURNs in mangle PREROUTING/OUTPUT, the loop guards
 * and the port-22 RETURN (1.12 only) where Istio puts them. TproxyRealTest does the same in real tables.
 */
class TproxyGoldenTest {
  @TempDir Path dir;

  static Stream<String> releases() {
    return IstioGoldenCase.RELEASES.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("releases")
  void ourMangleTableIsTheTproxyGoldens(String release) throws Exception {
    IstioGolden golden = IstioGolden.load("/istio-goldens/" + release + "/tproxy.golden");
    Host host = new Host(Map.of(), new FakeRunner(), FakeBinaries.all(dir), dir.resolve("no-passwd"));
    CaptureConfig config = CommandHarness.settings(host, List.of("-p", "15001", "-z", "15006", "-e", "15008", "-u", "1337",
        "-g", "1337", "-m", "TPROXY", "-b", "*", "-i", "9.9.0.0/16", "-x", "1.1.0.0/16", "-c", "not-istio-nic",
        "--rules-version", release.substring(0, release.lastIndexOf('.')))).capture();
    for (Family family : Family.values()) {
      assertEquals(golden.chains(family, "mangle").withoutEmptyBuiltins(),
          NatChains.play(PlanListing.of(PlanBuilder.build(config, family), Table.MANGLE)).withoutEmptyBuiltins(),
          release + " " + family);
    }
  }
}
