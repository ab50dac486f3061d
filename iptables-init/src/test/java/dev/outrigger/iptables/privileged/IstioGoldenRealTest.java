package dev.outrigger.iptables.privileged;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.outrigger.iptables.CommandHarness.Outcome;
import dev.outrigger.iptables.istio.IstioGolden;
import dev.outrigger.iptables.istio.IstioGoldenCase;
import dev.outrigger.iptables.net.Family;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each istio-iptables golden case in real tables: the golden's own nat rules loaded with
 * iptables-restore into one namespace, our command run in another, and the two `iptables -t nat -S`
 * listings compared byte for byte (the kernel prints both in its own canonical form).
 */
class IstioGoldenRealTest {

  @BeforeEach
  void privileged() {
    Privileged.require();
  }

  static Stream<IstioGoldenCase> cases() {
    return IstioGoldenCase.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void ourTableIsTheTableIstiosRulesMake(IstioGoldenCase golden) {
    IstioGolden rules = IstioGolden.load(golden.resource());
    try (Netns istio = Netns.create(); Netns ours = Netns.create()) {
      if (golden.ipv6()) {
        ours.withGlobalIpv6();
      }
      restore(istio, "iptables-restore", rules.natRestore(Family.IPV4));
      Outcome outcome = ours.outrigger(golden.args());
      assertEquals(0, outcome.exitCode(), outcome.err());
      assertEquals(istio.listing("iptables", "nat"), ours.listing("iptables", "nat"), golden + " IPv4");
      if (golden.ipv6()) {
        restore(istio, "ip6tables-restore", rules.natRestore(Family.IPV6));
        assertEquals(istio.listing("ip6tables", "nat"), ours.listing("ip6tables", "nat"), golden + " IPv6");
      }
    }
  }

  private static void restore(Netns netns, String binary, String input) {
    try {
      var result = netns.runner().run(List.of(binary, "--noflush"), input);
      assertEquals(0, result.exitCode(), binary + ": " + result.stderr() + "\n" + input);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
