package dev.outrigger.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.iptables.CommandHarness.Outcome;
import dev.outrigger.iptables.config.RulesVersion;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** --rules-version / OUTRIGGER_RULES_VERSION and the Istio settings whose rules depend on it. */
class RulesVersionOptionsTest {
  private static final List<String> BASE = List.of("-u", "1337", "-i", "*", "-b", "*", "--dry-run");

  @TempDir Path dir;
  private final FakeRunner runner = new FakeRunner();

  @BeforeEach
  void noIpv6() {
    runner.answer("ip", "");
  }

  private Outcome run(Map<String, String> env, String... more) {
    List<String> all = new ArrayList<>(BASE);
    all.addAll(List.of(more));
    return CommandHarness.execute(new Host(env, runner, FakeBinaries.all(dir), dir.resolve("passwd")), all);
  }

  @ParameterizedTest
  @CsvSource({"1.18,ISTIO_1_19", "1.19.10,ISTIO_1_19", "1.20,ISTIO_1_22", "1.22.8,ISTIO_1_22", "1.23,ISTIO_1_23", "1.24.1,ISTIO_1_24", "1.12,ISTIO_1_12", "1.12.9,ISTIO_1_12", "v1.12.0,ISTIO_1_12", "1.25,ISTIO_1_30", "1.30.3,ISTIO_1_30", "'',ISTIO_1_30"})
  void versionsParseToTheirRuleSet(String text, RulesVersion expected) {
    assertEquals(expected, RulesVersion.parse(text));
  }

  @Test
  void anUnsupportedVersionIsRefusedListingTheSupportedOnes() {
    Outcome outcome = run(Map.of(), "--rules-version", "1.17");
    assertEquals(ExitCodes.BAD_OPTION, outcome.exitCode());
    assertEquals("outrigger iptables: invalid --rules-version (OUTRIGGER_RULES_VERSION): '1.17' is not a supported Istio"
        + " version (supported: 1.12, 1.18-1.19, 1.20-1.22, 1.23, 1.24, 1.25-1.30 (default))\n", outcome.err());
  }

  @Test
  void theEnvironmentChoosesTheVersionAndTheFlagWins() {
    assertTrue(run(Map.of("OUTRIGGER_RULES_VERSION", "1.12")).out().contains("--dport 22 -j RETURN"));
    assertFalse(run(Map.of("OUTRIGGER_RULES_VERSION", "1.12"), "--rules-version", "1.30").out().contains("--dport 22 -j RETURN"));
    assertFalse(run(Map.of()).out().contains("--dport 22 -j RETURN"), "the default is the newest release's rules");
  }

  @Test
  void invalidDropIsReadFromBothVariablesTheOlderOneWinning() {
    assertTrue(run(Map.of("INVALID_DROP", "true")).out().contains("-A PREROUTING -m conntrack --ctstate INVALID -j ISTIO_DROP"));
    assertTrue(run(Map.of("DROP_INVALID", "1")).out().contains("-j ISTIO_DROP"));
    assertFalse(run(Map.of("DROP_INVALID", "true", "INVALID_DROP", "false")).out().contains("ISTIO_DROP"));
    assertFalse(run(Map.of("INVALID_DROP", "true"), "--drop-invalid=false").out().contains("ISTIO_DROP"));
    assertTrue(run(Map.of(), "--drop-invalid", "--rules-version", "1.12").out()
        .contains("-A PREROUTING -m conntrack --ctstate INVALID -j DROP"));
  }

  @Test
  void dualStackIsAccepted() {
    assertEquals(0, run(Map.of(), "--dual-stack").exitCode());
    assertEquals(0, run(Map.of("ISTIO_DUAL_STACK", "true")).exitCode());
  }

  @Test
  void settingsIstio112DidNotHaveAreRefusedWithIt() {
    Outcome outcome = run(Map.of("ISTIO_OUTBOUND_OWNER_GROUPS", "202"), "--rules-version", "1.12");
    assertEquals(ExitCodes.BAD_OPTION, outcome.exitCode());
    assertTrue(outcome.err().contains("invalid ISTIO_OUTBOUND_OWNER_GROUPS: Istio 1.12 has no such setting"), outcome.err());
    assertTrue(run(Map.of("ISTIO_OUTBOUND_OWNER_GROUPS", "202")).out().contains("-m owner ! --gid-owner 202 -j RETURN"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "ISTIO_OUTBOUND_IPV4_LOOPBACK_CIDR|10.0.0.0/8|'10.0.0.0/8' is not an IPv4 loopback range",
      "ISTIO_OUTBOUND_IPV4_LOOPBACK_CIDR|127.0.0.0/7|mask shorter than 8 bits",
      "ISTIO_OUTBOUND_OWNER_GROUPS|a b|'a b' is not a group name or gid"})
  void badEnvironmentValuesNameTheVariable(String name, String value, String message) {
    Outcome outcome = run(Map.of(name, value));
    assertEquals(ExitCodes.BAD_OPTION, outcome.exitCode());
    assertTrue(outcome.err().contains("invalid " + name), outcome.err());
    assertTrue(outcome.err().contains(message), outcome.err());
  }
}
