package dev.outrigger.core.inbound;

import java.util.Set;
import java.util.TreeSet;

/**
 * The ports whose inbound connections go to the app over loopback (127.0.0.1 / ::1) even in
 * preserve mode: the opt-in fix for an app that listens on lo only, without changing the app
 * (Istio's Sidecar {@code ingress.defaultEndpoint: 127.0.0.1:PORT} has the same meaning per port).
 * Parsed once from "8080,9090"; immutable.
 */
public record LocalhostInboundPorts(Set<Integer> ports) {
  public static final LocalhostInboundPorts NONE = new LocalhostInboundPorts(Set.of());

  public LocalhostInboundPorts {
    for (int port : ports) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port " + port + " (expected: 1-65535)");
      }
    }
    ports = Set.copyOf(new TreeSet<>(ports));
  }

  /** "8080,9090" (spaces allowed, empty means none); throws naming the bad element. */
  public static LocalhostInboundPorts parse(String value) {
    Set<Integer> ports = new TreeSet<>();
    if (value.isBlank()) {
      return NONE;
    }
    for (String element : value.split(",", -1)) {
      String trimmed = element.trim();
      int port;
      try {
        port = Integer.parseInt(trimmed);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + value + "': '" + trimmed + "' is not a port"
            + " (expected: a comma-separated list of ports 1-65535, such as 8080,9090)");
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("'" + value + "': " + port + " is out of range"
            + " (expected: a comma-separated list of ports 1-65535, such as 8080,9090)");
      }
      ports.add(port);
    }
    return new LocalhostInboundPorts(ports);
  }

  public boolean contains(int port) {
    return ports.contains(port);
  }

  public boolean isEmpty() {
    return ports.isEmpty();
  }

  /** "8080,9090" in ascending order, as parsed; "" for none. */
  public String label() {
    return String.join(",", new TreeSet<>(ports).stream().map(String::valueOf).toList());
  }
}
