package dev.outrigger.iptables.plan;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A plan as {@code iptables -t <table> -S} lists it on an otherwise empty table: policies, user
 * chains in name order, then rules grouped by chain (builtin chains first). Golden files use this form
 * so the same file checks both the plan and the kernel's table.
 */
public final class PlanListing {
  private PlanListing() {}

  public static List<String> of(Plan plan, Table table) {
    List<String> lines = new ArrayList<>();
    for (String builtin : Chains.builtinOf(table)) {
      lines.add("-P " + builtin + " ACCEPT");
    }
    plan.ownedChains(table).forEach(chain -> lines.add("-N " + chain));
    List<String> chainOrder = new ArrayList<>(Chains.builtinOf(table));
    chainOrder.addAll(plan.ownedChains(table));
    for (String chain : chainOrder) {
      List<Rule> inChain = plan.rules(table).stream().filter(rule -> rule.chain().equals(chain)).toList();
      // Each insert at the head pushes the earlier ones down: the last inserted is listed first.
      List<Rule> atTop = new ArrayList<>(inChain.stream().filter(rule -> rule.placement() == Placement.TOP).toList());
      Collections.reverse(atTop);
      atTop.forEach(rule -> lines.add(rule.appendLine()));
      inChain.stream().filter(rule -> rule.placement() == Placement.APPEND).forEach(rule -> lines.add(rule.appendLine()));
    }
    return lines;
  }
}
