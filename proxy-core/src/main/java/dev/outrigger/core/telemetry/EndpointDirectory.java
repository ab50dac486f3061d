package dev.outrigger.core.telemetry;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;

/** What the mesh configuration says of an upstream host (its istiod metadata), for metric labels. */
@FunctionalInterface
public interface EndpointDirectory {
  EndpointDirectory NONE = (cluster, host) -> Optional.empty();

  /**
   * The metadata of {@code host} (null when none was chosen) in {@code cluster}: empty when the
   * mesh configuration has no such cluster, an empty map when it has the cluster but not the host.
   */
  Optional<Map<String, String>> metadata(String cluster, InetSocketAddress host);
}
