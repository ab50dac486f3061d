package dev.outrigger.iptables.restore;

import dev.outrigger.iptables.plan.Rule;
import dev.outrigger.iptables.plan.Table;
import java.util.List;

/**
 * The changes to one table, in the order iptables-restore performs them: declare (create, or flush
 * if present) our chains, delete stale jumps, flush and delete stale chains, then append rules.
 */
public record TableEdit(
    Table table, List<String> declaredChains, List<SavedRule> deletions, List<String> removedChains, List<Rule> appends) {

  public TableEdit {
    declaredChains = List.copyOf(declaredChains);
    deletions = List.copyOf(deletions);
    removedChains = List.copyOf(removedChains);
    appends = List.copyOf(appends);
  }

  public boolean isEmpty() {
    return declaredChains.isEmpty() && deletions.isEmpty() && removedChains.isEmpty() && appends.isEmpty();
  }
}
