package dev.outrigger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.it.harness.CommandResult;
import dev.outrigger.it.harness.Pod;
import dev.outrigger.it.sidecar.Outrigger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * `bin/outrigger iptables` in a pod, beyond what the iptables module tests itself: --dry-run
 * prints the rules and changes nothing, --cleanup-only leaves the nat table as it was before, and
 * Istio's istio-init args run as they are.
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

  /**
   * An Istio-injected pod's istio-init args (Istio's pkg/kube/inject/testdata/inject/kubevirtInterfaces.yaml.injected,
   * with the log level raised) through the packaged launcher: the istio-iptables name, -k and the log flags all work,
   * and --log_output_level reaches the jar's logging (the restore input is logged at debug).
   */
  @Test
  void istioInjectedInitArgsRunWithOurImage() {
    Pod pod = network.addPod("istio-init");
    List<String> argv = new ArrayList<>(List.of(Outrigger.launcher().toString(), "istio-iptables",
        "-p", "15001", "-z", "15006", "-u", "1337", "-m", "REDIRECT", "-i", "*", "-x", "", "-b", "*",
        "-d", "15090,15021,123", "-k", "net1", "--log_output_level=default:debug", "--log_as_json"));

    CommandResult result = pod.exec(Duration.ofSeconds(60), argv).requireSuccess();

    assertTrue(natRules(pod).contains("-A PREROUTING -i net1 -j ISTIO_REDIRECT"), natRules(pod));
    assertTrue(result.stderr().contains("DEBUG") && result.stderr().contains("restore input"), result.describe());
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
