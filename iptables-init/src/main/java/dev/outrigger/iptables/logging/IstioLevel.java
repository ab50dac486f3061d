package dev.outrigger.iptables.logging;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Istio's log levels (istio.io/istio/pkg/log), spelled as its flags take them: lower case only. */
public enum IstioLevel {
  DEBUG, INFO, WARN, ERROR, FATAL, NONE;

  static final String ACCEPTED =
      Arrays.stream(values()).map(IstioLevel::flagName).collect(Collectors.joining(", "));

  public String flagName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** As Istio's stringToLevel lookup: exact, so "DEBUG" is refused as it is by istio-iptables. */
  static IstioLevel parse(String text) {
    for (IstioLevel level : values()) {
      if (level.flagName().equals(text)) {
        return level;
      }
    }
    throw new IllegalArgumentException("invalid output level '" + text + "' (expected one of: " + ACCEPTED + ")");
  }
}
