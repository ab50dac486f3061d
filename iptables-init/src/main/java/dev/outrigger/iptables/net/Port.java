package dev.outrigger.iptables.net;

import java.util.ArrayList;
import java.util.List;

/** A TCP port number, 1-65535. */
public record Port(int number) {
  public Port {
    if (number < 1 || number > 65535) {
      throw new IllegalArgumentException(number + " is not a port (expected: 1-65535)");
    }
  }

  public static Port parse(String text) {
    String trimmed = text.trim();
    if (!trimmed.matches("[0-9]{1,5}") || Integer.parseInt(trimmed) < 1 || Integer.parseInt(trimmed) > 65535) {
      throw new IllegalArgumentException("'" + text + "' is not a port (expected: 1-65535)");
    }
    return new Port(Integer.parseInt(trimmed));
  }

  /** A comma-separated list as istio-iptables takes it: empty entries are skipped, "" is an empty list. */
  public static List<Port> parseList(String text) {
    List<Port> ports = new ArrayList<>();
    for (String item : CommaList.split(text)) {
      ports.add(parse(item));
    }
    return List.copyOf(ports);
  }

  @Override
  public String toString() {
    return Integer.toString(number);
  }
}
