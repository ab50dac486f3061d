package dev.outrigger.iptables.restore;

import dev.outrigger.iptables.plan.Chains;
import dev.outrigger.iptables.plan.Rule;
import java.util.Optional;

/** A rule as iptables-save printed it: its chain and the rest of the "-A" line, verbatim. */
public record SavedRule(String chain, String spec) {

  public Optional<String> target() {
    return Rule.jumpTarget(spec);
  }

  public boolean jumpsIntoOwnedChain() {
    return target().filter(Chains::isOwned).isPresent();
  }

  public String appendLine() {
    return "-A " + chain + " " + spec;
  }

  /** Deleting by the saved spec is exact: iptables-restore parses what iptables-save printed. */
  public String deleteLine() {
    return "-D " + chain + " " + spec;
  }
}
