package dev.outrigger.iptables.plan;

/**
 * --iptables-trace-logging (Istio 1.12 to 1.24): istio-iptables tags some rules with a command, and
 * with trace logging on puts an NFLOG rule with the same matches ahead of each tagged rule, so that
 * a log reader on NFLOG group 1337 sees which rule a packet is about to hit. The identifiers are
 * Istio's (tools/istio-iptables/pkg/log/command.go).
 */
public enum Trace {
  JUMP_INBOUND("JumpInbound"),
  JUMP_OUTBOUND("JumpOutbound"),
  EXCLUDE_INBOUND_PORT("ExcludeInboundPort"),
  INCLUDE_INBOUND_PORT("IncludeInboundPort"),
  INBOUND_CAPTURE("InboundCapture"),
  KUBEVIRT("KubevirtCommand"),
  EXCLUDE_INTERFACE("ExcludeInterfaceCommand");

  /** The NFLOG group Istio logs to ("just a random constant to be matched on the log reader side"). */
  static final int GROUP = 1337;
  /** Bytes copied to the log: enough for an IPv4 header. */
  static final int SIZE = 20;

  private final String identifier;

  Trace(String identifier) {
    this.identifier = identifier;
  }

  /** The NFLOG rule for a tagged rule: its matches (everything before "-j"), then the log target. */
  String logRule(String taggedSpec) {
    int jump = taggedSpec.indexOf("-j ");
    String matches = jump <= 0 ? "" : taggedSpec.substring(0, jump);
    return matches + "-j NFLOG --nflog-prefix " + identifier + " --nflog-group " + GROUP + " --nflog-size " + SIZE;
  }

  String identifier() {
    return identifier;
  }
}
