package dev.outrigger.iptables.restore;

import java.util.List;

/** The edits that remove every ISTIO_ chain and every jump into one, and nothing else. */
public final class Cleanup {
  private Cleanup() {}

  public static RestoreScript of(SavedRuleset current) {
    return new RestoreScript(current.tables().stream()
        .filter(SavedTable::hasOwnedState)
        .map(t -> new TableEdit(t.table(), List.of(), t.jumpsIntoOwned(), t.ownedChains(), List.of()))
        .toList());
  }
}
