package dev.outrigger.iptables.privileged;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.iptables.ExitCodes;
import dev.outrigger.iptables.GoldenCases;
import dev.outrigger.iptables.IptablesCommand;
import dev.outrigger.iptables.exec.CommandResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * --run-validation needs its sockets inside the pod's namespace, so the command runs in a child JVM
 * under `ip netns exec`, as root, like an init container.
 */
class ValidationRealTest {
  private static final List<String> SEED = GoldenCases.args("seed-002");

  @BeforeEach
  void privileged() {
    Privileged.require();
  }

  @Test
  void validationPassesAfterApplyingTheRules() throws Exception {
    try (Netns pod = Netns.create()) {
      CommandResult result = childJvm(pod, SEED, "--run-validation", "--probe-timeout", "10s");
      assertEquals(0, result.exitCode(), result.stderr());
      assertTrue(result.stdout().contains("iptables validation passed"), result.stdout());
    }
  }

  @Test
  void validationAloneFindsRulesAppliedEarlier() throws Exception {
    try (Netns pod = Netns.create()) {
      assertEquals(0, pod.outrigger(SEED).exitCode());
      CommandResult result = childJvm(pod, List.of("-u", "1337", "--skip-rule-apply", "--run-validation"));
      assertEquals(0, result.exitCode(), result.stderr());
    }
  }

  @Test
  void validationWithoutRulesFailsWith126() throws Exception {
    try (Netns pod = Netns.create()) {
      CommandResult result = childJvm(pod, List.of("-u", "1337", "--skip-rule-apply", "--run-validation", "--probe-timeout", "1s"));
      assertEquals(ExitCodes.VALIDATION_FAILED, result.exitCode(), result.stderr());
      assertTrue(result.stderr().contains("outrigger iptables: iptables validation failed; workload is not ready for Outrigger: "
          + "no IPv4 connection to 127.0.0.6:15002 was redirected to [127.0.0.1:15001, 127.0.0.1:15006] within 1000ms"),
          result.stderr());
    }
  }

  @Test
  void validationChecksIpv6TooWhenThePodHasIpv6() throws Exception {
    try (Netns pod = Netns.create().withGlobalIpv6()) {
      CommandResult result = childJvm(pod, SEED, "--run-validation", "--probe-timeout", "10s");
      assertEquals(0, result.exitCode(), result.stderr());
      pod.sh("ip6tables", "-t", "nat", "-F", "ISTIO_OUTPUT");
      CommandResult broken = childJvm(pod, SEED.subList(0, 6), "--skip-rule-apply", "--run-validation", "--probe-timeout", "1s");
      assertEquals(ExitCodes.VALIDATION_FAILED, broken.exitCode(), broken.stderr());
      assertTrue(broken.stderr().contains("no IPv6 connection to [::6]:15002 was redirected to [[::1]:15001, [::1]:15006]"), broken.stderr());
    }
  }

  private static CommandResult childJvm(Netns pod, List<String> args, String... more) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), IptablesCommand.class.getName()));
    command.addAll(args);
    command.addAll(Arrays.asList(more));
    return pod.runner().run(command);
  }
}
