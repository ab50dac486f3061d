package dev.outrigger.iptables.restore;

import java.util.ArrayList;
import java.util.List;

/**
 * The edits that remove every ISTIO_ chain, every jump into one and the DNS capture rules older
 * releases put in builtin chains, and nothing else.
 */
public final class Cleanup {
  private Cleanup() {}

  private static List<SavedRule> deletions(SavedTable table) {
    List<SavedRule> deletions = new ArrayList<>(table.jumpsIntoOwned());
    deletions.addAll(table.dnsCaptureRules());
    return deletions;
  }

  public static RestoreScript of(SavedRuleset current) {
    return new RestoreScript(current.tables().stream()
        .filter(SavedTable::hasOwnedState)
        .map(t -> new TableEdit(t.table(), List.of(), deletions(t), t.ownedChains(), List.of()))
        .toList());
  }
}
