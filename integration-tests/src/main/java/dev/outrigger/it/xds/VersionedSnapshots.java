package dev.outrigger.it.xds;

import io.envoyproxy.controlplane.cache.v3.Snapshot;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Turns successive {@link MeshConfig}s into java-control-plane snapshots whose per-type version
 * moves only when that type's resources changed: the cache then sends only the changed types,
 * as istiod sends an EDS push alone when only endpoints changed. Versions are a counter ("1",
 * "2", ...), so a test can name the one it waits for.
 */
final class VersionedSnapshots {
  private final Map<XdsType, List<?>> lastResources = new EnumMap<>(XdsType.class);
  private final Map<XdsType, String> versions = new EnumMap<>(XdsType.class);
  private int counter;

  record Published(Snapshot snapshot, Versions versions) {}

  Published next(MeshConfig config) {
    boolean changed = false;
    for (XdsType type : XdsType.values()) {
      if (!config.resources(type).equals(lastResources.get(type))) {
        changed = true;
      }
    }
    if (changed) {
      counter++;
    }
    String version = String.valueOf(counter);
    for (XdsType type : XdsType.values()) {
      if (!config.resources(type).equals(lastResources.get(type))) {
        versions.put(type, version);
        lastResources.put(type, config.resources(type));
      }
    }
    Snapshot snapshot = Snapshot.create(
        config.clusters(), versions.get(XdsType.CLUSTER),
        config.endpoints(), versions.get(XdsType.ENDPOINT),
        config.listeners(), versions.get(XdsType.LISTENER),
        config.routes(), versions.get(XdsType.ROUTE),
        List.of(), "0");
    return new Published(snapshot, new Versions(versions));
  }

  Versions current() {
    return new Versions(versions);
  }
}
