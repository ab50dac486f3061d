package dev.outrigger.core.peer;

import java.util.Objects;

/**
 * This proxy's own entry in the metadata exchange: its xDS node id (Envoy sends it as
 * {@code x-envoy-peer-metadata-id}) and its node metadata as a workload.
 */
public record NodeMetadata(String id, PeerMetadata metadata) {
  public NodeMetadata {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(metadata, "metadata");
  }
}
