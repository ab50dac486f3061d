package dev.outrigger.xds;

/**
 * What happens on the ADS stream, for whoever counts and shows it (the agent's stats, readiness).
 * Called on the client's own thread, one event at a time; an implementation must not block.
 */
public interface XdsListener {
  /** Nothing is told. */
  XdsListener NONE = new XdsListener() {};

  /** The server answered on a new stream: the control plane is reachable and speaking. */
  default void connected(String target) {}

  /**
   * A stream ended (the server closed it, or it failed); the last accepted configuration stays.
   *
   * @param wasConnected whether the server had answered on it (false: it never got through)
   * @param why the gRPC status, as text
   */
  default void disconnected(String target, boolean wasConnected, String why) {}

  /** An update of this type was applied and ACKed. */
  default void accepted(ResourceType type, String version, int resources) {}

  /** An update of this type was NACKed with this message; the previous one stays in force. */
  default void rejected(ResourceType type, String version, String message) {}
}
