package dev.outrigger.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.iptables.CommandHarness.Outcome;
import dev.outrigger.iptables.config.CaptureConfig;
import dev.outrigger.iptables.config.CidrSelection;
import dev.outrigger.iptables.config.InterceptionMode;
import dev.outrigger.iptables.config.PortSelection;
import dev.outrigger.iptables.config.Settings;
import dev.outrigger.iptables.net.Cidr;
import dev.outrigger.iptables.net.InterfaceName;
import dev.outrigger.iptables.net.OwnerIds;
import dev.outrigger.iptables.net.Port;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IptablesCommandOptionsTest {
  private static final List<String> SEED = List.of(
      "-p", "15001", "-z", "15006", "-u", "1337", "-m", "REDIRECT", "-i", "*", "-x", "", "-b", "*", "-d", "15090,15021,15020");

  @TempDir Path dir;
  private final FakeRunner runner = new FakeRunner();

  private Host host(Map<String, String> env, String passwd) throws IOException {
    Path file = dir.resolve("passwd");
    Files.writeString(file, passwd);
    return new Host(env, runner, FakeBinaries.all(dir), file);
  }

  private Host host() throws IOException {
    return host(Map.of(), "root:x:0:0:root:/root:/bin/sh\n");
  }

  @Test
  void defaultsAreIstioIptablesDefaults() throws Exception {
    CaptureConfig config = CommandHarness.settings(host(), List.of()).capture();
    assertEquals(new Port(15001), config.envoyPort());
    assertEquals(new Port(15006), config.inboundCapturePort());
    assertEquals(new Port(15008), config.inboundTunnelPort());
    assertEquals(OwnerIds.parse("1337"), config.proxyUids());
    assertEquals(OwnerIds.parse("1337"), config.proxyGids());
    assertEquals(InterceptionMode.REDIRECT, config.mode());
    assertEquals(PortSelection.NONE, config.inboundPorts());
    assertEquals(CidrSelection.NONE, config.outboundCidrs());
    assertEquals(new Port(15002), config.probePort());
    assertEquals(Duration.ofSeconds(5), config.probeTimeout());
  }

  @Test
  void seedFlagsBecomeTypedValues() throws Exception {
    Settings settings = CommandHarness.settings(host(), SEED);
    CaptureConfig config = settings.capture();
    assertEquals(PortSelection.ALL, config.inboundPorts());
    assertEquals(Port.parseList("15090,15021,15020"), config.inboundExcludePorts());
    assertEquals(CidrSelection.ALL, config.outboundCidrs());
    assertEquals(List.of(), config.outboundExcludeCidrs());
    assertFalse(settings.actions().dryRun());
  }

  @Test
  void proxyUidDefaultsToTheUidOfEnvoyUser() throws Exception {
    String passwd = "root:x:0:0::/:/bin/sh\nistio-proxy:x:1337:1337::/:/bin/false\nenvoy:x:101:102::/:/bin/false\n";
    assertEquals(OwnerIds.parse("1337"), CommandHarness.settings(host(Map.of(), passwd), List.of()).capture().proxyUids());
    CaptureConfig envoy = CommandHarness.settings(host(Map.of("ENVOY_USER", "envoy"), passwd), List.of()).capture();
    assertEquals(OwnerIds.parse("101"), envoy.proxyUids());
    assertEquals(OwnerIds.parse("101"), envoy.proxyGids(), "the gid defaults to the uid, as in istio-iptables");
    CaptureConfig unknown = CommandHarness.settings(host(Map.of("ENVOY_USER", "nobody-here"), passwd), List.of()).capture();
    assertEquals(OwnerIds.parse("1337"), unknown.proxyUids());
  }

  @Test
  void everyOptionCanComeFromItsEnvironmentVariable() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("ENVOY_PORT", "16001");
    env.put("INBOUND_CAPTURE_PORT", "16006");
    env.put("INBOUND_TUNNEL_PORT", "16008");
    env.put("PROXY_UID", "1000,1001");
    env.put("PROXY_GID", "2000");
    env.put("ISTIO_INBOUND_INTERCEPTION_MODE", "REDIRECT");
    env.put("ISTIO_INBOUND_PORTS", "80,443");
    env.put("ISTIO_LOCAL_EXCLUDE_PORTS", "15020");
    env.put("ISTIO_SERVICE_CIDR", "10.0.0.0/8");
    env.put("ISTIO_SERVICE_EXCLUDE_CIDR", "10.96.0.0/12");
    env.put("ISTIO_OUTBOUND_PORTS", "8080");
    env.put("ISTIO_LOCAL_OUTBOUND_PORTS_EXCLUDE", "3306");
    env.put("ISTIO_EXCLUDE_INTERFACES", "eth1");
    env.put("IPTABLES_PROBE_PORT", "16002");
    env.put("PROBE_TIMEOUT", "1m30s");
    env.put("DRY_RUN", "true");
    env.put("CLEANUP_ONLY", "1");
    env.put("SKIP_RULE_APPLY", "TRUE");
    env.put("RUN_VALIDATION", "t");
    Settings settings = CommandHarness.settings(host(env, ""), List.of());
    CaptureConfig config = settings.capture();
    assertEquals(new Port(16001), config.envoyPort());
    assertEquals(new Port(16006), config.inboundCapturePort());
    assertEquals(new Port(16008), config.inboundTunnelPort());
    assertEquals(OwnerIds.parse("1000,1001"), config.proxyUids());
    assertEquals(OwnerIds.parse("2000"), config.proxyGids());
    assertEquals(PortSelection.parse("80,443"), config.inboundPorts());
    assertEquals(List.of(new Port(15020)), config.inboundExcludePorts());
    assertEquals(CidrSelection.parse("10.0.0.0/8"), config.outboundCidrs());
    assertEquals(List.of(Cidr.parse("10.96.0.0/12")), config.outboundExcludeCidrs());
    assertEquals(List.of(new Port(8080)), config.outboundPorts());
    assertEquals(List.of(new Port(3306)), config.outboundExcludePorts());
    assertEquals(List.of(new InterfaceName("eth1")), config.excludeInterfaces());
    assertEquals(new Port(16002), config.probePort());
    assertEquals(Duration.ofSeconds(90), config.probeTimeout());
    assertTrue(settings.actions().dryRun());
    assertTrue(settings.actions().cleanupOnly());
    assertTrue(settings.actions().skipRuleApply());
    assertTrue(settings.actions().runValidation());
  }

  @Test
  void aFlagWinsOverItsEnvironmentVariable() throws Exception {
    Host host = host(Map.of("ENVOY_PORT", "16001", "DRY_RUN", "true"), "");
    Settings settings = CommandHarness.settings(host, List.of("-p", "17001", "--dry-run=false"));
    assertEquals(new Port(17001), settings.capture().envoyPort());
    assertFalse(settings.actions().dryRun());
  }

  @Test
  void theSeedAsEnvironmentIsTheSeedAsFlags() throws Exception {
    Map<String, String> env = Map.of("ENVOY_PORT", "15001", "INBOUND_CAPTURE_PORT", "15006", "PROXY_UID", "1337",
        "ISTIO_INBOUND_INTERCEPTION_MODE", "REDIRECT", "ISTIO_SERVICE_CIDR", "*", "ISTIO_SERVICE_EXCLUDE_CIDR", "",
        "ISTIO_INBOUND_PORTS", "*", "ISTIO_LOCAL_EXCLUDE_PORTS", "15090,15021,15020");
    assertEquals(CommandHarness.settings(host(), SEED), CommandHarness.settings(host(env, ""), List.of()));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "-p|abc|invalid --envoy-port (ENVOY_PORT): 'abc' is not a port (expected: 1-65535)",
      "-z|70000|invalid --inbound-capture-port (INBOUND_CAPTURE_PORT): '70000' is not a port",
      "-e|0|invalid --inbound-tunnel-port (INBOUND_TUNNEL_PORT): '0' is not a port",
      "-i|10.0.0.0|invalid --istio-service-cidr (ISTIO_SERVICE_CIDR): '10.0.0.0' is not a CIDR",
      "-i|10.0.0.0/33|invalid --istio-service-cidr (ISTIO_SERVICE_CIDR): '10.0.0.0/33' has a bad prefix length",
      "-x|*|invalid --istio-service-exclude-cidr (ISTIO_SERVICE_EXCLUDE_CIDR): '*' cannot be excluded",
      "-x|example.com/8|invalid --istio-service-exclude-cidr (ISTIO_SERVICE_EXCLUDE_CIDR): 'example.com/8' is not a CIDR",
      "-u|root|invalid --proxy-uid (PROXY_UID): 'root' is not a numeric id",
      "-g|1337,x|invalid --proxy-gid (PROXY_GID): 'x' is not a numeric id",
      "-m|FOO|invalid --istio-inbound-interception-mode (ISTIO_INBOUND_INTERCEPTION_MODE): 'FOO' is not an interception mode",
      "-d|15090,abc|invalid --istio-local-exclude-ports (ISTIO_LOCAL_EXCLUDE_PORTS): 'abc' is not a port",
      "-q|99999|invalid --istio-outbound-ports (ISTIO_OUTBOUND_PORTS): '99999' is not a port",
      "-o|x|invalid --istio-local-outbound-ports-exclude (ISTIO_LOCAL_OUTBOUND_PORTS_EXCLUDE): 'x' is not a port",
      "-c|bad name|invalid --istio-exclude-interfaces (ISTIO_EXCLUDE_INTERFACES): 'bad name' is not an interface name",
      "--iptables-probe-port|-|invalid --iptables-probe-port (IPTABLES_PROBE_PORT): '-' is not a port",
      "--probe-timeout|5|invalid --probe-timeout (PROBE_TIMEOUT): '5' is not a duration",
      "--probe-timeout|0s|invalid --probe-timeout (PROBE_TIMEOUT): '0s' must be longer than zero"})
  void badValuesAreRefusedWithTheFlagNamedAndNothingRun(String flag, String value, String message) throws Exception {
    Outcome outcome = CommandHarness.execute(host(), List.of(flag, value));
    assertEquals(ExitCodes.BAD_OPTION, outcome.exitCode());
    assertTrue(outcome.err().startsWith("outrigger iptables: " + message), outcome.err());
    assertEquals(1, outcome.err().lines().count(), "one line: " + outcome.err());
    assertEquals(List.of(), runner.calls(), "nothing may run on bad input");
  }

  @Test
  void aBadEnvironmentValueIsNamedLikeItsFlag() throws Exception {
    Outcome outcome = CommandHarness.execute(host(Map.of("ENVOY_PORT", "http"), ""), List.of());
    assertEquals(ExitCodes.BAD_OPTION, outcome.exitCode());
    assertTrue(outcome.err().contains("invalid --envoy-port (ENVOY_PORT): 'http' is not a port"), outcome.err());
  }

  @Test
  void aBadBooleanInTheEnvironmentIsAUsageError() throws Exception {
    Outcome outcome = CommandHarness.execute(host(Map.of("DRY_RUN", "maybe"), ""), List.of());
    assertEquals(ExitCodes.BAD_OPTION, outcome.exitCode());
    assertTrue(outcome.err().contains("'maybe' is not a boolean"), outcome.err());
  }

  @Test
  void tproxyDryRunPrintsTheMangleRulesAndThePolicyRoutesAndChangesNothing() throws Exception {
    runner.answer("ip", "");
    Outcome outcome = CommandHarness.execute(host(), List.of("-m", "TPROXY", "-b", "*", "-i", "*", "--dry-run"));
    assertEquals(ExitCodes.OK, outcome.exitCode(), outcome.err());
    assertTrue(outcome.out().contains("*mangle\n"), outcome.out());
    assertTrue(outcome.out().contains("-A ISTIO_TPROXY ! -d 127.0.0.1/32 -p tcp -j TPROXY --on-port 15006 --on-ip 0.0.0.0"
        + " --tproxy-mark 0x539/0xffffffff\n"), outcome.out());
    assertTrue(outcome.out().contains("ip -4 rule add fwmark 1337 lookup 133\nip -4 route replace local default dev lo table 133\n"),
        outcome.out());
    assertTrue(runner.calls().stream().allMatch(call -> call.program().equals("ip")
        && call.command().contains("show")), "only read-only address lookups: " + runner.calls());
  }
}
