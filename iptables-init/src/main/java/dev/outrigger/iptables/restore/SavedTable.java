package dev.outrigger.iptables.restore;

import dev.outrigger.iptables.plan.Chains;
import dev.outrigger.iptables.plan.Table;
import java.util.List;

/** One table of an iptables-save dump: its chains in dump order and its rules in order. */
public record SavedTable(Table table, List<String> chains, List<SavedRule> rules) {
  public SavedTable {
    chains = List.copyOf(chains);
    rules = List.copyOf(rules);
  }

  public static SavedTable empty(Table table) {
    return new SavedTable(table, List.of(), List.of());
  }

  public List<String> ownedChains() {
    return chains.stream().filter(Chains::isOwned).toList();
  }

  /** Rules outside our chains that jump into them: the builtin jumps, and any foreign ones. */
  public List<SavedRule> jumpsIntoOwned() {
    return rules.stream().filter(r -> !Chains.isOwned(r.chain()) && r.jumpsIntoOwnedChain()).toList();
  }

  /** DNS capture rules of istio-iptables 1.12-1.24 in builtin chains (see {@link DnsCaptureShape}). */
  public List<SavedRule> dnsCaptureRules() {
    return rules.stream().filter(r -> DnsCaptureShape.isDnsCaptureRule(table, r)).toList();
  }

  public boolean hasOwnedState() {
    return !ownedChains().isEmpty() || !jumpsIntoOwned().isEmpty() || !dnsCaptureRules().isEmpty();
  }

  public boolean hasRulesOrChains() {
    return !rules.isEmpty() || chains.stream().anyMatch(chain -> !Chains.isBuiltin(chain));
  }
}
