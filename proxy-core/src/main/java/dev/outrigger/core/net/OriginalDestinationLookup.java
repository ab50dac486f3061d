package dev.outrigger.core.net;

import io.netty.channel.Channel;
import java.io.IOException;

/**
 * Where an accepted connection was going before iptables redirected it to the proxy. An interface
 * so unit tests can give a fixed answer without root or iptables.
 */
@FunctionalInterface
public interface OriginalDestinationLookup {
  /**
   * @throws IOException when the connection carries no original destination (it was not redirected,
   *     or conntrack is unavailable)
   */
  OriginalDestination lookup(Channel accepted) throws IOException;
}
