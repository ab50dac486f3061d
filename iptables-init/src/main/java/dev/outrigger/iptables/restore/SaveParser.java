package dev.outrigger.iptables.restore;

import dev.outrigger.iptables.plan.Table;
import java.util.ArrayList;
import java.util.List;

/** Reads iptables-save output ("*table", ":CHAIN POLICY [p:b]", "-A CHAIN spec", "COMMIT"). */
public final class SaveParser {
  private SaveParser() {}

  public static SavedRuleset parse(String dump) {
    List<SavedTable> tables = new ArrayList<>();
    Table table = null;
    List<String> chains = new ArrayList<>();
    List<SavedRule> rules = new ArrayList<>();
    for (String raw : dump.split("\n")) {
      String line = raw.strip();
      if (line.startsWith("*")) {
        table = new Table(line.substring(1).strip());
        chains = new ArrayList<>();
        rules = new ArrayList<>();
      } else if (table != null && line.startsWith(":")) {
        chains.add(line.substring(1).split(" ", 2)[0]);
      } else if (table != null && line.startsWith("-A ")) {
        String[] parts = line.substring(3).split(" ", 2);
        rules.add(new SavedRule(parts[0], parts.length > 1 ? parts[1] : ""));
      } else if (table != null && line.equals("COMMIT")) {
        tables.add(new SavedTable(table, chains, rules));
        table = null;
      }
    }
    return new SavedRuleset(tables);
  }
}
