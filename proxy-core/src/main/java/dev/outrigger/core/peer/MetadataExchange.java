package dev.outrigger.core.peer;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import dev.outrigger.core.log.RateLimitedLog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Istio's HTTP metadata exchange (istio/proxy peer_metadata filter, IstioHeaders method): each side
 * sends its node id in {@code x-envoy-peer-metadata-id} and its workload in
 * {@code x-envoy-peer-metadata}, the base64 of a deterministically serialized
 * {@code google.protobuf.Struct}. This holds this proxy's two values, computed once, and reads a
 * peer's. Off when the proxy has no node (no control plane): then it neither sends nor reads.
 */
public final class MetadataExchange {
  public static final String ID_HEADER = "x-envoy-peer-metadata-id";
  public static final String METADATA_HEADER = "x-envoy-peer-metadata";
  /** Decoded values kept, as Envoy's per-thread cache (max_peer_cache_size 500). */
  static final int CACHE_SIZE = 500;
  public static final MetadataExchange OFF = new MetadataExchange(null, null);
  private static final RateLimitedLog LOG =
      new RateLimitedLog("outrigger.peer", Duration.ofSeconds(1), "invalid peer metadata");

  private final String id;
  private final String value;
  /** Keyed by the header's value, not its id as Envoy's is: a peer whose labels change cannot be served stale. */
  private final Map<String, PeerMetadata> cache = new ConcurrentHashMap<>();
  private final LongAdder invalid = new LongAdder();

  private MetadataExchange(String id, String value) {
    this.id = id;
    this.value = value;
  }

  public static MetadataExchange of(NodeMetadata node) {
    return new MetadataExchange(node.id(), encode(node.metadata()));
  }

  public boolean enabled() {
    return value != null;
  }

  /** This proxy's node id, the value of {@value #ID_HEADER}. */
  public String id() {
    return id;
  }

  /** This proxy's workload, the value of {@value #METADATA_HEADER}. */
  public String value() {
    return value;
  }

  /** Values of {@value #METADATA_HEADER} that could not be read (not base64, not a Struct). */
  public long invalid() {
    return invalid.sum();
  }

  /**
   * A peer's {@value #METADATA_HEADER}; empty when it cannot be read (Envoy then has no peer, or
   * an empty one: the labels are the same), which is counted and logged.
   */
  public Optional<PeerMetadata> decode(String header) {
    PeerMetadata known = cache.get(header);
    if (known != null) {
      return Optional.of(known);
    }
    PeerMetadata parsed;
    try {
      parsed = PeerMetadata.fromStruct(Struct.parseFrom(Base64.getDecoder().decode(header.trim())));
    } catch (IllegalArgumentException | InvalidProtocolBufferException e) {
      invalid.increment();
      LOG.warn("{} not read ({} characters): {}", METADATA_HEADER, header.length(), e.getMessage());
      return Optional.empty();
    }
    if (cache.size() >= CACHE_SIZE) {
      cache.clear(); // Envoy drops a quarter; a full reset is as bounded and needs no order
    }
    cache.put(header, parsed);
    return Optional.of(parsed);
  }

  /** Base64 (with padding) of the Struct serialized with sorted map keys, as Envoy writes it. */
  static String encode(PeerMetadata metadata) {
    Struct struct = metadata.toStruct();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(struct.getSerializedSize());
    try {
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      out.useDeterministicSerialization();
      struct.writeTo(out);
      out.flush();
    } catch (IOException impossible) {
      throw new UncheckedIOException(impossible);
    }
    return Base64.getEncoder().encodeToString(bytes.toByteArray());
  }
}
