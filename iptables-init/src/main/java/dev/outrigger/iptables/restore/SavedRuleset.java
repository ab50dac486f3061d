package dev.outrigger.iptables.restore;

import dev.outrigger.iptables.plan.Table;
import java.util.List;
import java.util.Optional;

/** Everything one iptables-save run printed, for one backend and family. */
public record SavedRuleset(List<SavedTable> tables) {
  public static final SavedRuleset EMPTY = new SavedRuleset(List.of());

  public SavedRuleset {
    tables = List.copyOf(tables);
  }

  public SavedTable table(Table table) {
    return find(table).orElse(SavedTable.empty(table));
  }

  public Optional<SavedTable> find(Table table) {
    return tables.stream().filter(t -> t.table().equals(table)).findFirst();
  }

  /** Whether this backend is in use here; istio-iptables prefers the backend that already has rules. */
  public boolean inUse() {
    return tables.stream().anyMatch(SavedTable::hasRulesOrChains);
  }

  public boolean hasOwnedState() {
    return tables.stream().anyMatch(SavedTable::hasOwnedState);
  }
}
