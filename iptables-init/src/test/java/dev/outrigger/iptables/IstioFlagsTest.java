package dev.outrigger.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import dev.outrigger.iptables.CommandHarness.Outcome;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

/**
 * The flags Istio's injection template gives istio-iptables beyond the capture ones: Istio's log
 * flags (pkg/log options.go), --force-apply, --native-nftables. Args lists are copied from Istio's
 * injector goldens (pkg/kube/inject/testdata/inject/*.injected), without the leading "istio-iptables".
 */
class IstioFlagsTest {
  /** kubevirtInterfaces.yaml.injected, container istio-init. */
  private static final List<String> ISTIO_INIT = List.of("-p", "15001", "-z", "15006", "-u", "1337", "-m", "REDIRECT",
      "-i", "*", "-x", "", "-b", "*", "-d", "15090,15021,123", "-k", "net1", "--log_output_level=default:info");
  /** hello.yaml.cni.injected, container istio-validation (Istio CNI): validation only. */
  private static final List<String> ISTIO_VALIDATION = List.of("-p", "15001", "-z", "15006", "-u", "1337", "-m", "REDIRECT",
      "-i", "*", "-x", "", "-b", "*", "-d", "15090,15021,15020", "--log_output_level=default:info",
      "--run-validation", "--skip-rule-apply");

  @TempDir Path dir;
  private final FakeRunner runner = new FakeRunner();
  private final Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME);
  private Level before;

  @BeforeEach
  void rememberLevel() {
    before = root.getLevel();
    runner.answer("ip", "");
  }

  @AfterEach
  void restoreLevel() {
    root.setLevel(before);
  }

  private Outcome run(Map<String, String> env, List<String> args, String... more) {
    List<String> all = new ArrayList<>(args);
    all.addAll(List.of(more));
    return CommandHarness.execute(new Host(env, runner, FakeBinaries.all(dir), dir.resolve("passwd")), all);
  }

  private Outcome run(List<String> args, String... more) {
    return run(Map.of(), args, more);
  }

  @Test
  void istioInitArgsRun() {
    Outcome outcome = run(ISTIO_INIT, "--dry-run");
    assertEquals(0, outcome.exitCode(), outcome.err());
    assertTrue(outcome.out().contains("-I PREROUTING 1 -i net1 -j ISTIO_REDIRECT"), outcome.out());
  }

  @Test
  void istioValidationArgsParse() throws Exception {
    var settings = CommandHarness.settings(new Host(Map.of(), runner, FakeBinaries.all(dir), dir.resolve("passwd")),
        ISTIO_VALIDATION);
    assertTrue(settings.actions().runValidation() && settings.actions().skipRuleApply());
  }

  @Test
  void logAsJsonAndTheOtherLogFlagsAreAccepted() {
    Outcome outcome = run(ISTIO_INIT, "--dry-run", "--log_as_json", "--log_caller=default", "--log_stacktrace_level=default:error",
        "--log_target=stderr", "--log_target", "stdout", "--log_rotate=", "--log_rotate_max_age=0x1e",
        "--log_rotate_max_size", "1_000", "--log_rotate_max_backups=-1", "--force-apply");
    assertEquals(0, outcome.exitCode(), outcome.err());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "default:debug|DEBUG",
      "debug|DEBUG",
      "warn|WARN",
      "all:error|ERROR",
      "fatal|ERROR",
      "default:none|OFF",
      "default:debug,all:warn|WARN",
      "all:warn,default:debug|DEBUG",
  })
  void theDefaultScopesLevelBecomesTheLogLevel(String value, String expected) {
    Outcome outcome = run(ISTIO_INIT, "--dry-run", "--log_output_level=" + value);
    assertEquals(0, outcome.exitCode(), outcome.err());
    assertEquals(Level.toLevel(expected), root.getLevel());
  }

  @Test
  void otherScopesAreAcceptedAndLeaveTheLevelAlone() {
    root.setLevel(Level.WARN);
    Outcome outcome = run(ISTIO_INIT, "--dry-run", "--log_output_level=grpc:debug,ads:none");
    assertEquals(0, outcome.exitCode(), outcome.err());
    assertEquals(Level.WARN, root.getLevel());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--log_output_level=loud|invalid --log_output_level: invalid output level 'loud' (expected one of: debug, info, warn, error, fatal, none)",
      "--log_output_level=DEBUG|invalid --log_output_level: invalid output level 'DEBUG'",
      "--log_output_level=debug,|invalid --log_output_level: invalid output level ''",
      "--log_output_level=a:b:c|invalid --log_output_level: invalid output level format 'a:b:c'",
      "--log_stacktrace_level=|invalid --log_stacktrace_level: invalid output level ''",
      "--log_stacktrace_level=default:loud|invalid --log_stacktrace_level: invalid output level 'loud'",
      "--log_target=/var/log/init.log|invalid --log_target: '/var/log/init.log': writing the log to a file is not supported",
      "--log_rotate=/var/log/init.log|invalid --log_rotate: '/var/log/init.log': a rotating log file is not supported",
      "--log_rotate_max_age=ten|invalid --log_rotate_max_age: 'ten' is not an integer",
      "--log_rotate_max_backups=1.5|invalid --log_rotate_max_backups: '1.5' is not an integer",
      "--native-nftables|invalid --native-nftables (NATIVE_NFTABLES): native nftables rules are not supported",
  })
  void refusedValuesNameTheFlagAndExitTwoBeforeAnythingRuns(String flag, String message) {
    Outcome outcome = run(ISTIO_INIT, flag);
    assertEquals(2, outcome.exitCode(), outcome.out());
    assertTrue(outcome.err().startsWith("outrigger iptables: " + message), outcome.err());
    assertTrue(runner.callsTo("iptables-restore").isEmpty());
  }

  @Test
  void nativeNftablesFalseIsFine() {
    assertEquals(0, run(ISTIO_INIT, "--dry-run", "--native-nftables=false").exitCode());
  }

  @Test
  void logFlagsAreNotReadFromTheEnvironment() {
    // Istio binds no environment variable to its log flags; a stray LOG_OUTPUT_LEVEL must not break the init.
    Outcome outcome = run(Map.of("LOG_OUTPUT_LEVEL", "loud", "LOG_TARGET", "/tmp/x"), ISTIO_INIT, "--dry-run");
    assertEquals(0, outcome.exitCode(), outcome.err());
  }
}
