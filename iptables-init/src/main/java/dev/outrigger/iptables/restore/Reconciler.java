package dev.outrigger.iptables.restore;

import dev.outrigger.iptables.plan.Chains;
import dev.outrigger.iptables.plan.Plan;
import dev.outrigger.iptables.plan.Rule;
import dev.outrigger.iptables.plan.Table;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Plan + current table → the edits that make the table match the plan, whatever ran before. Our
 * chains are redeclared (iptables-restore --noflush flushes a declared chain), so reapplying never
 * duplicates rules; jumps from builtin chains are kept when already present, so foreign rules keep
 * their position relative to ours.
 */
public final class Reconciler {
  private Reconciler() {}

  public static RestoreScript reconcile(Plan plan, SavedRuleset current) {
    Set<Table> tables = new LinkedHashSet<>(plan.tables());
    current.tables().stream().filter(SavedTable::hasOwnedState).forEach(t -> tables.add(t.table()));
    List<TableEdit> edits = new ArrayList<>();
    for (Table table : tables) {
      edits.add(edit(plan, current.table(table)));
    }
    return new RestoreScript(edits);
  }

  private static TableEdit edit(Plan plan, SavedTable current) {
    Table table = current.table();
    Set<String> wanted = plan.ownedChains(table);
    List<Rule> missingJumps = new ArrayList<>(plan.builtinRules(table));
    // Planned builtin-chain rules that jump nowhere of ours (the kube-virt "-i IF -j RETURN") are
    // ours only by matching the plan: one already there counts as done, so a re-run adds no copy.
    // One left from an earlier run with other interfaces cannot be told from a foreign rule and stays.
    // DNS capture rules in builtin chains are recognizable as ours: one the plan no longer wants (other
    // nameservers, DNS capture off, another version's layout) goes.
    List<SavedRule> deletions = new ArrayList<>();
    for (SavedRule rule : current.rules()) {
      if (Chains.isBuiltin(rule.chain()) && !rule.jumpsIntoOwnedChain()) {
        boolean planned = removeFirst(missingJumps, rule.appendLine());
        if (!planned && DnsCaptureShape.isDnsCaptureRule(table, rule)) {
          deletions.add(rule);
        }
      }
    }
    for (SavedRule jump : current.jumpsIntoOwned()) {
      boolean intoWantedChain = jump.target().filter(wanted::contains).isPresent();
      if (intoWantedChain && !Chains.isBuiltin(jump.chain())) {
        continue; // a foreign chain using one of our chains: not ours to judge
      }
      // A wanted jump counts once; a second copy of it is a duplicate and goes.
      if (!intoWantedChain || !removeFirst(missingJumps, jump.appendLine())) {
        deletions.add(jump);
      }
    }
    List<String> removed = current.ownedChains().stream().filter(chain -> !wanted.contains(chain)).toList();
    List<Rule> appends = new ArrayList<>(missingJumps);
    appends.addAll(plan.ownedRules(table));
    return new TableEdit(table, List.copyOf(wanted), deletions, removed, appends);
  }

  private static boolean removeFirst(List<Rule> rules, String line) {
    for (int i = 0; i < rules.size(); i++) {
      if (rules.get(i).appendLine().equals(line)) {
        rules.remove(i);
        return true;
      }
    }
    return false;
  }
}
