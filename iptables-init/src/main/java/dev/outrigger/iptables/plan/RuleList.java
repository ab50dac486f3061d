package dev.outrigger.iptables.plan;

import dev.outrigger.iptables.net.Family;
import java.util.ArrayList;
import java.util.List;

/** Collects rules while a plan is being built; the builders append in istio-iptables' order. */
public final class RuleList {
  private final Family family;
  private final List<Rule> rules = new ArrayList<>();

  public RuleList(Family family) {
    this.family = family;
  }

  public Family family() {
    return family;
  }

  public RuleList add(Table table, String chain, String spec, String reason) {
    rules.add(new Rule(table, chain, spec, reason));
    return this;
  }

  public RuleList nat(String chain, String spec, String reason) {
    return add(Table.NAT, chain, spec, reason);
  }

  public RuleList mangle(String chain, String spec, String reason) {
    return add(Table.MANGLE, chain, spec, reason);
  }

  public RuleList raw(String chain, String spec, String reason) {
    return add(Table.RAW, chain, spec, reason);
  }

  /** A nat rule inserted at the head of its chain (iptables -I CHAIN 1). */
  public RuleList natAtTop(String chain, String spec, String reason) {
    rules.add(new Rule(Table.NAT, chain, spec, reason, Placement.TOP));
    return this;
  }

  public Plan toPlan() {
    return new Plan(family, rules);
  }
}
