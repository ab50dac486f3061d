package dev.outrigger.iptables.privileged;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.outrigger.iptables.CommandHarness.Outcome;
import dev.outrigger.iptables.istio.IstioGolden;
import dev.outrigger.iptables.istio.IstioGoldenCase;
import dev.outrigger.iptables.net.Family;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each istio-iptables golden case in real tables: the golden's own nat rules loaded with
 * iptables-restore into one namespace, our command run in another, and the two `iptables -t nat -S`
 * listings compared byte for byte (the kernel prints both in its own canonical form).
 */
class IstioGoldenRealTest {
  @TempDir Path dir;

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
    // iptables resolves a group name when the rule is added; these goldens name groups (java, ftp) this host lacks.
    assumeFalse(golden.name().contains("outbound-owner-groups") && !groupsExist("java", "ftp"),
        "groups java/ftp do not exist here; the case is checked by IstioGoldenTest only");
    IstioGolden rules = IstioGolden.load(golden.resource());
    try (Netns istio = Netns.create(); Netns ours = Netns.create()) {
      if (golden.ipv6()) {
        ours.withGlobalIpv6();
      }
      Outcome outcome = ours.outrigger(golden.env(), golden.args(), resolvConf(golden));
      assertEquals(0, outcome.exitCode(), outcome.err());
      for (Family family : golden.ipv6() ? List.of(Family.IPV4, Family.IPV6) : List.of(Family.IPV4)) {
        String binary = family == Family.IPV4 ? "iptables" : "ip6tables";
        for (String table : rules.tables(family)) {
          istio.restoreNoflush(binary + "-restore", rules.restore(family, table));
        }
        for (String table : List.of("nat", "mangle", "raw")) {
          assertEquals(istio.listing(binary, table), ours.listing(binary, table), golden + " " + family + " " + table);
        }
      }
    }
  }

  private Path resolvConf(IstioGoldenCase golden) {
    try {
      return Files.writeString(dir.resolve("resolv.conf"), golden.resolvConf());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean groupsExist(String... names) {
    try {
      List<String> groups = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/etc/group"));
      return java.util.Arrays.stream(names).allMatch(n -> groups.stream().anyMatch(l -> l.startsWith(n + ":")));
    } catch (IOException e) {
      return false;
    }
  }
}
