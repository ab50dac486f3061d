package dev.outrigger.core.route;

import dev.outrigger.core.route.listener.ConnectionFacts;
import dev.outrigger.core.net.OriginalDestination;

/**
 * One direction's routing (outbound or inbound): the only place, with its stack, that knows what
 * a direction means for where traffic goes.
 */
public interface Router {
  /** Whether a connection to this destination has its first bytes read to detect HTTP. */
  boolean detectsProtocol(OriginalDestination originalDestination);

  /**
   * The plan for a connection.
   *
   * @param facts its addresses and what detection found ("http/1.1" or "h2c" in application
   *     protocols; none for opaque bytes or when nothing was detected)
   */
  ConnectionPlan plan(ConnectionFacts facts);
}
