package dev.outrigger.iptables.plan;

import dev.outrigger.iptables.net.Family;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** The rules one address family should have, in order; no knowledge of how they get applied. */
public record Plan(Family family, List<Rule> rules) {
  public Plan {
    rules = List.copyOf(rules);
  }

  public Set<Table> tables() {
    Set<Table> tables = new LinkedHashSet<>();
    rules.forEach(rule -> tables.add(rule.table()));
    return tables;
  }

  public List<Rule> rules(Table table) {
    return rules.stream().filter(rule -> rule.table().equals(table)).toList();
  }

  /** ISTIO_* chains the plan fills or jumps to, sorted as iptables lists user chains. */
  public Set<String> ownedChains(Table table) {
    Set<String> chains = new TreeSet<>();
    for (Rule rule : rules(table)) {
      if (Chains.isOwned(rule.chain())) {
        chains.add(rule.chain());
      }
      rule.target().filter(Chains::isOwned).ifPresent(chains::add);
    }
    return chains;
  }

  /** The jumps from builtin chains into ours: the only rules we place in chains we do not own. */
  public List<Rule> builtinRules(Table table) {
    return rules(table).stream().filter(rule -> !Chains.isOwned(rule.chain())).toList();
  }

  public List<Rule> ownedRules(Table table) {
    return rules(table).stream().filter(rule -> Chains.isOwned(rule.chain())).toList();
  }
}
