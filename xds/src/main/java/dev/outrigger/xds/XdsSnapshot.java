package dev.outrigger.xds;

import com.google.protobuf.Any;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * The client's state at one moment: per resource type, the accepted version and resources, and
 * the last rejection if any. What /config_dump shows of xDS.
 *
 * @param connected whether a stream to the server is open now
 */
public record XdsSnapshot(boolean connected, Map<ResourceType, TypeSnapshot> types) {
  /**
   * @param version the last accepted version ("" before the first)
   * @param resources the resources in force, by name, as the Any each came in
   * @param names the names subscribed to (empty for a wildcard subscription)
   * @param acceptedAt when the version was accepted (null before the first)
   * @param lastError why the last update was rejected, or null
   */
  public record TypeSnapshot(ResourceType type, String version, Map<String, Any> resources, Set<String> names,
      Instant acceptedAt, String lastError) {}
}
