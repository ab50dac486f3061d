package dev.outrigger.iptables.plan;

/** Where a rule goes in its chain: after the rules already there, or ahead of all of them. */
public enum Placement {
  /** iptables -A: the usual case. */
  APPEND,
  /**
   * iptables -I CHAIN 1: istio-iptables inserts its kube-virt rules at the head of PREROUTING so
   * they see a VM's packets before anything else; the last one inserted ends up first.
   */
  TOP
}
