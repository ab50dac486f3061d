package dev.outrigger.iptables.plan;

import static dev.outrigger.iptables.plan.Chains.OUTPUT;
import static dev.outrigger.iptables.plan.Chains.PREROUTING;

import dev.outrigger.iptables.config.CaptureConfig;
import dev.outrigger.iptables.net.InterfaceName;

/**
 * -c/--istio-exclude-interfaces: istio-iptables (1.12 and every release since) appends, before
 * anything else, a RETURN per interface to nat PREROUTING (-i) and OUTPUT (-o), so that traffic on
 * such an interface never reaches the ISTIO_* chains at all, for any protocol.
 */
final class ExcludedInterfaces {

  void addRules(CaptureConfig config, RuleList rules) {
    for (InterfaceName nic : config.excludeInterfaces()) {
      rules.nat(PREROUTING, "-i " + nic + " -j RETURN", "traffic arriving on excluded interface " + nic + " is not captured",
          Trace.EXCLUDE_INTERFACE);
      rules.nat(OUTPUT, "-o " + nic + " -j RETURN", "traffic leaving by excluded interface " + nic + " is not captured",
          Trace.EXCLUDE_INTERFACE);
    }
  }
}
