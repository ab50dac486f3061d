package dev.outrigger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.it.harness.CommandResult;
import dev.outrigger.it.harness.Pod;
import dev.outrigger.it.sidecar.Outrigger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * `bin/outrigger iptables` in a pod, beyond what the iptables module tests itself: --dry-run
 * prints the rules and changes nothing, --cleanup-only leaves the nat table as it was before.
 */
class IptablesCommandIT extends PodNetworkTestBase {

  @Override
  protected String networkName() {
    return "iptables";
  }

  @Test
  void dryRunPrintsTheRulesAndChangesNoTable() {
    Pod pod = network.addPod("dry-run");
    String before = allTables(pod);

    CommandResult result = Outrigger.iptables(pod, withFlag("--dry-run")).requireSuccess();

    assertTrue(result.stdout().contains("ISTIO_INBOUND") && result.stdout().contains("ISTIO_OUTPUT"),
        "the rules are printed\n" + result.describe());
    assertTrue(result.stdout().contains("15001") && result.stdout().contains("15006"), result.describe());
    assertEquals(before, allTables(pod), "tables after --dry-run");
  }

  @Test
  void cleanupOnlyRestoresTheEmptyNatTable() {
    Pod pod = network.addPod("cleanup");
    String emptyNat = natRules(pod);
    Outrigger.iptables(pod, Outrigger.ISTIO_DEFAULT_IPTABLES_FLAGS).requireSuccess();
    assertNotEquals(emptyNat, natRules(pod), "precondition: the rules were written");

    Outrigger.iptables(pod, withFlag("--cleanup-only")).requireSuccess();

    assertEquals(emptyNat, natRules(pod));
  }

  private static List<String> withFlag(String flag) {
    List<String> flags = new ArrayList<>(Outrigger.ISTIO_DEFAULT_IPTABLES_FLAGS);
    flags.add(flag);
    return flags;
  }

  private static String natRules(Pod pod) {
    return pod.exec("iptables", "-t", "nat", "-S").requireSuccess().stdout();
  }

  /** Every IPv4 and IPv6 table, without the comment lines that carry a timestamp. */
  private static String allTables(Pod pod) {
    return withoutComments(pod.exec("iptables-save").requireSuccess().stdout())
        + withoutComments(pod.exec("ip6tables-save").requireSuccess().stdout());
  }

  private static String withoutComments(String saved) {
    return String.join("\n", saved.lines().filter(line -> !line.startsWith("#")).toList());
  }
}
