package dev.outrigger.iptables.plan;

import static dev.outrigger.iptables.plan.Chains.ISTIO_OUTPUT;

import dev.outrigger.iptables.config.OwnerGroups;

/**
 * ISTIO_OUTBOUND_OWNER_GROUPS(_EXCLUDE): outbound traffic of sockets owned by excluded groups, or by
 * none of the included groups, leaves ISTIO_OUTPUT before the capture rules. Included groups make a
 * single rule of one owner match per group, as istio-iptables writes it (xt_owner takes one
 * --gid-owner per match).
 */
final class OwnerGroupCapture {

  void addRules(OwnerGroups groups, RuleList rules) {
    if (groups.allExcept()) {
      for (String group : groups.groups()) {
        rules.nat(ISTIO_OUTPUT, "-m owner --gid-owner " + group + " -j RETURN", "traffic of group " + group + " is not captured");
      }
      return;
    }
    StringBuilder noneOf = new StringBuilder();
    for (String group : groups.groups()) {
      noneOf.append("-m owner ! --gid-owner ").append(group).append(' ');
    }
    rules.nat(ISTIO_OUTPUT, noneOf + "-j RETURN", "only traffic of groups " + String.join(",", groups.groups()) + " is captured");
  }
}
