package dev.outrigger.iptables.plan;

import static dev.outrigger.iptables.plan.Chains.PREROUTING;

import dev.outrigger.iptables.config.CaptureConfig;

/**
 * --drop-invalid / INVALID_DROP: packets conntrack marks INVALID (out of window, typically) are
 * dropped in mangle PREROUTING rather than answered with a reset that would kill the connection.
 * Istio up to 1.23 drops them in PREROUTING itself; 1.24 and later jump to an ISTIO_DROP chain, which
 * also makes the rule ours to clean up.
 */
final class InvalidPacketDrop {
  static final String ISTIO_DROP = "ISTIO_DROP";
  private static final String INVALID = "-m conntrack --ctstate INVALID ";

  void addRules(CaptureConfig config, RuleList rules) {
    if (!config.dropInvalid()) {
      return;
    }
    String why = "out-of-window packets are dropped, not answered with a reset";
    if (config.rulesVersion().invalidDropChain()) {
      rules.add(Table.MANGLE, PREROUTING, INVALID + Specs.jump(ISTIO_DROP), why);
      rules.add(Table.MANGLE, ISTIO_DROP, "-j DROP", "the drop for conntrack-INVALID packets");
    } else {
      rules.add(Table.MANGLE, PREROUTING, INVALID + "-j DROP", why);
    }
  }
}
