package dev.outrigger.iptables.restore;

import dev.outrigger.iptables.plan.Chains;
import dev.outrigger.iptables.plan.Table;
import java.util.regex.Pattern;

/**
 * Recognizes the DNS capture rules istio-iptables 1.12 to 1.24 writes straight into builtin chains
 * (nat OUTPUT's UDP port-53 RETURNs and REDIRECT to 15053, raw OUTPUT/PREROUTING's conntrack zones).
 * They jump into no ISTIO_ chain, so without this they could not be told from foreign rules and a
 * --cleanup-only (or a re-run with other nameservers or another version) would leave them behind.
 * The shapes are specific enough (udp 53 or 15053 with CT zones 1/2, or REDIRECT to the agent's DNS
 * port) that a rule of someone else's matching them would be doing Istio's DNS capture anyway.
 */
final class DnsCaptureShape {
  private static final Pattern NAT_OUTPUT = Pattern.compile(
      "(-d \\S+ )?-p udp -m udp --dport 53 (-j REDIRECT --to-ports 15053|(-m owner (! )?--[ug]id-owner \\S+ )+-j RETURN)");
  private static final Pattern RAW = Pattern.compile(
      "(-[sd] \\S+ )?-p udp -m udp (--dport 53|--sport 53|--sport 15053)( -m owner --[ug]id-owner \\S+)? -j CT --zone [12]");

  private DnsCaptureShape() {}

  static boolean isDnsCaptureRule(Table table, SavedRule rule) {
    if (!Chains.isBuiltin(rule.chain())) {
      return false;
    }
    if (table.equals(Table.NAT)) {
      return rule.chain().equals(Chains.OUTPUT) && NAT_OUTPUT.matcher(rule.spec()).matches();
    }
    return table.equals(Table.RAW) && RAW.matcher(rule.spec()).matches();
  }
}
