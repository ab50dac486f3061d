package dev.outrigger.iptables.plan;

/** An xtables table by name ("nat", "mangle", ...). */
public record Table(String name) {
  public static final Table NAT = new Table("nat");
  public static final Table MANGLE = new Table("mangle");

  @Override
  public String toString() {
    return name;
  }
}
