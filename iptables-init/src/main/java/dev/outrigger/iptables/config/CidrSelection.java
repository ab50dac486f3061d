package dev.outrigger.iptables.config;

import dev.outrigger.iptables.net.Cidr;
import dev.outrigger.iptables.net.Family;
import java.util.List;

/** Outbound destinations to capture: everything ("*"), a list of ranges, or nothing (""). */
public record CidrSelection(boolean all, List<Cidr> cidrs) {
  public static final CidrSelection ALL = new CidrSelection(true, List.of());
  public static final CidrSelection NONE = new CidrSelection(false, List.of());

  public CidrSelection {
    cidrs = List.copyOf(cidrs);
  }

  public static CidrSelection parse(String text) {
    if (text.trim().equals("*")) {
      return ALL;
    }
    List<Cidr> cidrs = Cidr.parseList(text);
    return cidrs.isEmpty() ? NONE : new CidrSelection(false, cidrs);
  }

  /** The ranges that go into one family's table; a v6 range never reaches iptables and vice versa. */
  public List<Cidr> of(Family family) {
    return cidrs.stream().filter(c -> c.family() == family).toList();
  }

  public boolean includesLoopback() {
    return cidrs.stream().anyMatch(Cidr::isLoopback);
  }
}
