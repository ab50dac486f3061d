package dev.outrigger.iptables.privileged;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.security.auth.module.UnixSystem;
import dev.outrigger.iptables.exec.Binaries;
import dev.outrigger.iptables.exec.CommandResult;
import dev.outrigger.iptables.exec.ProcessRunner;
import java.util.List;

/**
 * Gate for tests that need root and network namespaces: they skip with the reason on a developer
 * machine, but fail when CI=true, so a CI runner without privileges cannot pass silently.
 */
final class Privileged {
  private Privileged() {}

  static void require() {
    gate(missing());
  }

  /** Also needs the legacy xtables tools (Debian's iptables package ships both backends). */
  static void requireLegacy() {
    require();
    boolean present = Binaries.fromPath(System.getenv("PATH")).find("iptables-legacy").isPresent();
    gate(present ? null : "iptables-legacy is not installed");
  }

  private static void gate(String missing) {
    if (missing == null) {
      return;
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail("privileged test cannot run although CI=true: " + missing);
    }
    assumeTrue(false, "skipped: " + missing);
  }

  private static String missing() {
    if (new UnixSystem().getUid() != 0) {
      return "needs root (network namespaces and iptables)";
    }
    try {
      CommandResult result = ProcessRunner.direct().run(List.of("ip", "netns", "list"));
      return result.ok() ? null : "'ip netns' is unavailable: " + result.firstErrorLine();
    } catch (Exception e) {
      return "'ip netns' is unavailable: " + e.getMessage();
    }
  }
}
