package dev.outrigger.iptables.plan;

/** An xtables table by name ("nat", "mangle", ...). */
public record Table(String name) {
  public static final Table NAT = new Table("nat");
  public static final Table MANGLE = new Table("mangle");
  /** Before conntrack: where DNS capture splits UDP DNS into conntrack zones. */
  public static final Table RAW = new Table("raw");

  @Override
  public String toString() {
    return name;
  }
}
