package dev.outrigger.xds;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * What the client knows of one resource type: the names it subscribes to, the last version it
 * accepted (sent again on a new stream, so the server can skip what is current), the last nonce
 * it was sent, and the resources in force (with the bytes they came in). Touched only on the
 * client's thread.
 */
final class TypeState {
  final ResourceType type;
  Set<String> names = Set.of();
  boolean subscribed;
  String acceptedVersion = "";
  String nonce = "";
  ResourcesInForce inForce = ResourcesInForce.NONE;
  Instant acceptedAt;
  /** The last NACK's message, or null since the last accepted update. */
  String lastError;
  /** The version the last NACK was for (a repeat of the same rejection is not logged again). */
  String lastRejectedVersion;

  TypeState(ResourceType type) {
    this.type = type;
    this.subscribed = type.wildcard();
  }

  /** A snapshot for config_dump and tests. */
  XdsSnapshot.TypeSnapshot snapshot() {
    return new XdsSnapshot.TypeSnapshot(type, acceptedVersion, Map.copyOf(inForce.resources()), names, acceptedAt, lastError);
  }
}
