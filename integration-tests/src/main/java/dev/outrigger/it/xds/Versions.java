package dev.outrigger.it.xds;

import java.util.EnumMap;
import java.util.Map;

/** The version the control plane serves for each xDS type. */
public record Versions(Map<XdsType, String> byType) {
  public Versions {
    byType = Map.copyOf(new EnumMap<>(byType));
  }

  public String of(XdsType type) {
    String version = byType.get(type);
    if (version == null) {
      throw new IllegalStateException("no version of " + type);
    }
    return version;
  }
}
