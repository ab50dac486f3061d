package dev.outrigger.iptables.config;

import dev.outrigger.iptables.net.Port;
import java.util.List;

/** Inbound ports to capture: every port ("*"), a list, or none (""). */
public record PortSelection(boolean all, List<Port> ports) {
  public static final PortSelection ALL = new PortSelection(true, List.of());
  public static final PortSelection NONE = new PortSelection(false, List.of());

  public PortSelection {
    ports = List.copyOf(ports);
  }

  public static PortSelection parse(String text) {
    if (text.trim().equals("*")) {
      return ALL;
    }
    List<Port> ports = Port.parseList(text);
    return ports.isEmpty() ? NONE : new PortSelection(false, ports);
  }

  public boolean none() {
    return !all && ports.isEmpty();
  }
}
