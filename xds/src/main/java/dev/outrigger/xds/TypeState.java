package dev.outrigger.xds;

import com.google.protobuf.Message;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * What the client knows of one resource type: the names it subscribes to, the last version it
 * accepted (sent again on a new stream, so the server can skip what is current), the last nonce
 * it was sent, and the resources in force. Touched only on the client's thread.
 */
final class TypeState {
  final ResourceType type;
  Set<String> names = Set.of();
  boolean subscribed;
  String acceptedVersion = "";
  String nonce = "";
  Map<String, Message> resources = Map.of();
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
    return new XdsSnapshot.TypeSnapshot(type, acceptedVersion, Map.copyOf(resources), names, acceptedAt, lastError);
  }
}
