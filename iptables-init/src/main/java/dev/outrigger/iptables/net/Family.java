package dev.outrigger.iptables.net;

/**
 * An address family and the loopback addresses its capture rules name. The proxy connects to the
 * application from the "inbound passthrough" address (127.0.0.6 / ::6) so that ISTIO_OUTPUT can tell
 * its own app-bound connections apart and leave them alone.
 */
public enum Family {
  IPV4("IPv4", "iptables", Cidr.parse("127.0.0.1/32"), Cidr.parse("127.0.0.6/32")),
  IPV6("IPv6", "ip6tables", Cidr.parse("::1/128"), Cidr.parse("::6/128"));

  private final String label;
  private final String toolPrefix;
  private final Cidr loopback;
  private final Cidr inboundPassthrough;

  Family(String label, String toolPrefix, Cidr loopback, Cidr inboundPassthrough) {
    this.label = label;
    this.toolPrefix = toolPrefix;
    this.loopback = loopback;
    this.inboundPassthrough = inboundPassthrough;
  }

  /** "iptables" or "ip6tables": the stem of every xtables binary name for this family. */
  public String toolPrefix() {
    return toolPrefix;
  }

  public Cidr loopback() {
    return loopback;
  }

  public Cidr inboundPassthrough() {
    return inboundPassthrough;
  }

  @Override
  public String toString() {
    return label;
  }
}
