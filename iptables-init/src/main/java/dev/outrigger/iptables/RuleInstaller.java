package dev.outrigger.iptables;

import dev.outrigger.iptables.exec.BackendDetector;
import dev.outrigger.iptables.exec.DetectedBackend;
import dev.outrigger.iptables.exec.Ipv6Host;
import dev.outrigger.iptables.exec.IptablesException;
import dev.outrigger.iptables.exec.RestoreApplier;
import dev.outrigger.iptables.net.Family;
import dev.outrigger.iptables.plan.Plan;
import dev.outrigger.iptables.plan.PlanListing;
import dev.outrigger.iptables.plan.Table;
import dev.outrigger.iptables.restore.Reconciler;
import dev.outrigger.iptables.restore.RestoreScript;
import dev.outrigger.iptables.restore.SavedRuleset;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies plans: everything is read and worked out first, then each family is written with one
 * iptables-restore call, so a missing binary or a backend mismatch is reported before any change.
 */
final class RuleInstaller {
  private static final Logger log = LoggerFactory.getLogger(RuleInstaller.class);

  private final Host host;
  private final PrintWriter out;

  RuleInstaller(Host host, PrintWriter out) {
    this.host = host;
    this.out = out;
  }

  void install(List<Plan> plans, boolean dryRun) throws IptablesException {
    if (dryRun) {
      for (Plan plan : plans) {
        out.println("# " + plan.family() + ": input for " + plan.family().toolPrefix() + "-restore --noflush");
        out.print(Reconciler.reconcile(plan, SavedRuleset.EMPTY).render(true));
      }
      return;
    }
    BackendDetector detector = new BackendDetector(host.runner(), host.binaries());
    List<DetectedBackend> backends = new ArrayList<>();
    for (Plan plan : plans) {
      backends.add(detector.detect(plan.family()));
    }
    if (plans.stream().anyMatch(plan -> plan.family() == Family.IPV6)) {
      new Ipv6Host(host.runner(), host.binaries()).ensurePassthroughAddress();
    }
    RestoreApplier applier = new RestoreApplier(host.runner(), host.binaries());
    for (int i = 0; i < plans.size(); i++) {
      RestoreScript script = Reconciler.reconcile(plans.get(i), backends.get(i).current());
      log.debug("{} restore input:\n{}", plans.get(i).family(), script.render(true));
      applier.apply(backends.get(i).backend(), script);
      summarize(plans.get(i), backends.get(i));
    }
  }

  private void summarize(Plan plan, DetectedBackend backend) {
    for (Table table : plan.tables()) {
      out.println("Applied " + plan.family() + " " + table + " rules with " + backend.backend().restoreBinary()
          + " (" + plan.rules(table).size() + " rules in " + String.join(", ", plan.ownedChains(table)) + "):");
      PlanListing.of(plan, table).stream().filter(line -> !line.startsWith("-P ")).forEach(out::println);
    }
    log.info("{} capture rules applied with {}", plan.family(), backend.backend().restoreBinary());
  }
}
