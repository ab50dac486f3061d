package dev.outrigger.it;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import dev.outrigger.it.harness.HostRequirements;
import java.util.Optional;

/**
 * Skips a test class on a machine that cannot run pod networks (not root, no namespaces), with
 * the reason, but fails it under CI=true: there a skip would hide that nothing was tested.
 */
final class PodNetworkRequirement {
  private PodNetworkRequirement() {}

  static void check() {
    Optional<String> missing = HostRequirements.missing();
    if (missing.isEmpty()) {
      return;
    }
    if ("true".equals(System.getenv("CI"))) {
      fail("CI=true, so the integration tests may not be skipped: " + missing.get());
    }
    abort("skipped: " + missing.get());
  }
}
