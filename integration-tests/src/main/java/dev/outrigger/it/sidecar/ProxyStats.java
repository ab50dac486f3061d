package dev.outrigger.it.sidecar;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The admin /stats text: lines of "listener.<inbound|outbound>.<counter>: <n>", among others
 * (such as server.state) whose values need not be numbers.
 */
public final class ProxyStats {
  private final Map<String, String> values;

  private ProxyStats(Map<String, String> values) {
    this.values = values;
  }

  public static ProxyStats parse(String text) {
    Map<String, String> values = new LinkedHashMap<>();
    text.lines().map(String::strip).filter(line -> !line.isEmpty()).forEach(line -> {
      int colon = line.lastIndexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException("not a stats line: " + line);
      }
      values.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
    });
    return new ProxyStats(Map.copyOf(values));
  }

  public long inbound(String counter) {
    return get("listener.inbound." + counter);
  }

  public long outbound(String counter) {
    return get("listener.outbound." + counter);
  }

  /** A value that need not be a number (server.state, workload_cert.sha256); missing is an error. */
  public String text(String name) {
    String value = values.get(name);
    if (value == null) {
      throw new IllegalArgumentException("no " + name + " in /stats; have " + values.keySet());
    }
    return value;
  }

  /** A missing counter is an error, not a zero: the contract lists every counter. */
  public long get(String name) {
    String value = values.get(name);
    if (value == null) {
      throw new IllegalArgumentException("no counter " + name + " in /stats; have " + values.keySet());
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("counter " + name + " is not a number: " + value, e);
    }
  }

  @Override
  public String toString() {
    return values.toString();
  }
}
