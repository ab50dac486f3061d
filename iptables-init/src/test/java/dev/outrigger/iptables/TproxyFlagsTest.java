package dev.outrigger.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.iptables.CommandHarness.Outcome;
import dev.outrigger.iptables.config.TproxyRouting;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * -t/--istio-inbound-tproxy-mark and -r/--istio-inbound-tproxy-route-table (istio-iptables' root.go at
 * 1.12.9 to 1.30.3: the same names and letters, env ISTIO_INBOUND_TPROXY_MARK / _ROUTE_TABLE, defaults
 * 1337 and 133): the mark goes into every TPROXY rule that names it, the table into the policy route,
 * and --cleanup-only removes the rule and table it is given.
 */
class TproxyFlagsTest {
  private static final List<String> TPROXY = List.of("-u", "1337", "-m", "TPROXY", "-b", "*", "--dry-run");

  @TempDir Path dir;
  private final FakeRunner runner = new FakeRunner();

  private Outcome run(Map<String, String> env, String... extra) {
    runner.answer("ip", "");
    List<String> args = new ArrayList<>(TPROXY);
    args.addAll(List.of(extra));
    return CommandHarness.execute(new Host(env, runner, FakeBinaries.all(dir), dir.resolve("no-passwd")), args);
  }

  @Test
  void theDefaultsAreIstios() throws Exception {
    Host host = new Host(Map.of(), runner, FakeBinaries.all(dir), dir.resolve("no-passwd"));
    assertEquals(new TproxyRouting(1337, 133), CommandHarness.settings(host, List.of()).capture().tproxy());
    Outcome outcome = run(Map.of());
    assertTrue(outcome.out().contains("--tproxy-mark 0x539/0xffffffff"), outcome.out());
    assertTrue(outcome.out().contains("ip -4 rule add fwmark 1337 lookup 133\nip -4 route replace local default dev lo table 133\n"),
        outcome.out());
  }

  @Test
  void theMarkAndTableGoIntoEveryRuleAndTheRoute() {
    Outcome outcome = run(Map.of(), "-t", "100", "-r", "200");
    assertEquals(ExitCodes.OK, outcome.exitCode(), outcome.err());
    String out = outcome.out();
    for (String rule : List.of(
        "-A ISTIO_DIVERT -j MARK --set-xmark 0x64/0xffffffff",
        "-A ISTIO_TPROXY ! -d 127.0.0.1/32 -p tcp -j TPROXY --on-port 15006 --on-ip 0.0.0.0 --tproxy-mark 0x64/0xffffffff",
        "-A ISTIO_INBOUND -p tcp -m mark --mark 0x64 -j RETURN",
        "-A PREROUTING -p tcp -m mark --mark 0x64 -j CONNMARK --save-mark --nfmask 0xffffffff --ctmask 0xffffffff",
        "-A OUTPUT -o lo -p tcp -m mark --mark 0x64 -j RETURN",
        "-A OUTPUT -p tcp -m connmark --mark 0x64 -j CONNMARK --restore-mark --nfmask 0xffffffff --ctmask 0xffffffff",
        // The proxy's calls to its own pod IP keep Istio's fixed 1338.
        "-A ISTIO_INBOUND -i lo -p tcp -m mark ! --mark 0x53a -j RETURN",
        "ip -4 rule add fwmark 100 lookup 200",
        "ip -4 route replace local default dev lo table 200")) {
      assertTrue(out.contains(rule + "\n"), rule + " in\n" + out);
    }
    assertFalse(out.contains("0x539"), out);
    assertTrue(outcome.err().contains("warning: --istio-inbound-tproxy-mark 100: the proxy marks its connections to the app 1337"),
        outcome.err());
    assertFalse(run(Map.of()).err().contains("warning"), "no warning with Istio's mark");
  }

  @Test
  void theEnvironmentSetsThemAndTheFlagsWin() {
    Map<String, String> env = Map.of("ISTIO_INBOUND_TPROXY_MARK", "100", "ISTIO_INBOUND_TPROXY_ROUTE_TABLE", "200");
    assertTrue(run(env).out().contains("ip -4 rule add fwmark 100 lookup 200\n"));
    assertTrue(run(env, "--istio-inbound-tproxy-mark", "300", "--istio-inbound-tproxy-route-table", "400").out()
        .contains("ip -4 rule add fwmark 300 lookup 400\n"));
  }

  @Test
  void cleanupRemovesTheRuleAndTableItIsGiven() {
    Outcome outcome = CommandHarness.execute(new Host(Map.of(), runner, FakeBinaries.all(dir), dir.resolve("no-passwd")),
        List.of("--cleanup-only", "--dry-run", "-t", "100", "-r", "200"));
    assertEquals(ExitCodes.OK, outcome.exitCode(), outcome.err());
    assertTrue(outcome.out().contains("ip -4 rule del fwmark 100 lookup 200\nip -4 route flush table 200\n"), outcome.out());
    assertTrue(outcome.out().contains("ip -6 rule del fwmark 100 lookup 200\nip -6 route flush table 200\n"), outcome.out());
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
      "-t, abc,  invalid --istio-inbound-tproxy-mark (ISTIO_INBOUND_TPROXY_MARK): 'abc' is not a decimal integer",
      "-t, 0x539, invalid --istio-inbound-tproxy-mark (ISTIO_INBOUND_TPROXY_MARK): '0x539' is not a decimal integer",
      "-t, 0,    invalid --istio-inbound-tproxy-mark (ISTIO_INBOUND_TPROXY_MARK): '0': mark 0 is no mark at all",
      "-t, 1338, invalid --istio-inbound-tproxy-mark (ISTIO_INBOUND_TPROXY_MARK): '1338': 1338 is the mark of the proxy's calls",
      "-t, 4294967296, invalid --istio-inbound-tproxy-mark (ISTIO_INBOUND_TPROXY_MARK): '4294967296' does not fit in 32 bits",
      "-r, -1,   invalid --istio-inbound-tproxy-route-table (ISTIO_INBOUND_TPROXY_ROUTE_TABLE): '-1' is not a decimal integer",
      "-r, 254,  invalid --istio-inbound-tproxy-route-table (ISTIO_INBOUND_TPROXY_ROUTE_TABLE): '254' is the kernel's unspec/default/main/local table",
      "-r, 0,    invalid --istio-inbound-tproxy-route-table (ISTIO_INBOUND_TPROXY_ROUTE_TABLE): '0' is the kernel's"})
  void badValuesAreRefusedNamingTheFlag(String flag, String value, String message) {
    Outcome outcome = run(Map.of(), flag, value);
    assertEquals(ExitCodes.BAD_OPTION, outcome.exitCode(), outcome.out());
    assertTrue(outcome.err().contains(message), outcome.err());
  }
}
