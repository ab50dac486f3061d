package dev.outrigger.xds;

import java.util.Map;

/** Where accepted resources go: the proxy's configuration, built from them. */
@FunctionalInterface
public interface XdsUpdates {
  /**
   * The complete set of resources of one type the server now sends for the subscription (state of
   * the world). Called on the client's own thread, one update at a time.
   *
   * @throws RejectedUpdate if they cannot be applied; the previous ones stay in force and the
   *     server gets a NACK with the message
   */
  void accept(ResourceType type, Map<String, XdsResource> resources) throws RejectedUpdate;
}
