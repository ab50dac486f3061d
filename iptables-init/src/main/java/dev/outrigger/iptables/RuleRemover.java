package dev.outrigger.iptables;

import dev.outrigger.iptables.exec.BackendDetector;
import dev.outrigger.iptables.exec.DetectedBackend;
import dev.outrigger.iptables.exec.IptablesException;
import dev.outrigger.iptables.exec.RestoreApplier;
import dev.outrigger.iptables.net.Family;
import dev.outrigger.iptables.restore.Cleanup;
import dev.outrigger.iptables.restore.RestoreScript;
import java.io.PrintWriter;

/** --cleanup-only: removes our chains and the jumps into them from every backend and family. */
final class RuleRemover {
  private final Host host;
  private final PrintWriter out;

  RuleRemover(Host host, PrintWriter out) {
    this.host = host;
    this.out = out;
  }

  void removeAll(boolean dryRun) throws IptablesException {
    BackendDetector detector = new BackendDetector(host.runner(), host.binaries());
    RestoreApplier applier = new RestoreApplier(host.runner(), host.binaries());
    int cleaned = 0;
    for (Family family : Family.values()) {
      for (DetectedBackend found : detector.withOwnedState(family)) {
        RestoreScript script = Cleanup.of(found.current());
        if (dryRun) {
          out.println("# " + family + ": input for " + found.backend().restoreBinary() + " --noflush");
          out.print(script.render(true));
        } else {
          applier.apply(found.backend(), script);
          out.println("Removed " + family + " ISTIO_ chains and jumps with " + found.backend().restoreBinary());
        }
        cleaned++;
      }
    }
    if (cleaned == 0) {
      out.println("No ISTIO_ chains or jumps found; nothing to remove");
    }
  }
}
