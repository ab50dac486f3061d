package dev.outrigger.core.listener;

import dev.outrigger.core.Direction;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.ChannelGroupFuture;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.time.Duration;

/**
 * The open connections of one listener and whether that listener is draining. As Envoy's
 * {@code drain_listeners?graceful}, a drain does not close anything by itself: it tells every
 * connection, and the protocol on it ends the connection at its next clean boundary (HTTP/1:
 * {@code Connection: close}, or a close when still idle after {@link #DRAIN_TIMEOUT}; h2: GOAWAY).
 * Connections accepted while draining are drained from the start. Raw byte relays have no such
 * boundary and go on until the end of the drain period.
 */
public final class ListenerDrain {
  /** The user event every connection of a listener receives when the listener starts draining. */
  public static final Object STARTED = new Object() {
    @Override
    public String toString() {
      return "ListenerDrain.STARTED";
    }
  };

  /**
   * How long a drained HTTP connection may stay idle before it is closed (h2: before the final
   * GOAWAY): Envoy's HttpConnectionManager drain_timeout, 5 s by default, which Istio does not set.
   * A keep-alive in use meanwhile ends cleanly with Connection: close on its next response; closing
   * an idle one at once would race the request its client may be sending on it right then.
   */
  public static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);

  private static final AttributeKey<ListenerDrain> KEY = AttributeKey.valueOf(ListenerDrain.class, "drain");

  private final Direction direction;
  private final ChannelGroup connections;
  private volatile boolean draining;

  public ListenerDrain(Direction direction) {
    this.direction = direction;
    this.connections = new DefaultChannelGroup(direction.label() + "-connections", GlobalEventExecutor.INSTANCE);
  }

  /** Tracks an accepted connection (the group forgets it when it closes). */
  public void register(Channel ch) {
    ch.attr(KEY).set(this);
    connections.add(ch);
  }

  /**
   * True when the listener that accepted {@code ch} is draining. Handlers installed after the drain
   * started read this rather than the event, which they were not there to receive.
   */
  public static boolean isDraining(Channel ch) {
    Channel connection = ch.parent() != null && ch.attr(KEY).get() == null ? ch.parent() : ch;
    ListenerDrain drain = connection.attr(KEY).get();
    return drain != null && drain.draining;
  }

  /**
   * Starts the drain: every open connection gets {@link #STARTED} on its own event loop. The flag is
   * set first, so a connection either receives the event or, if its handlers come later, sees the flag.
   *
   * @return the number of connections told; 0 if the drain had already started
   */
  public int start() {
    if (draining) {
      return 0;
    }
    draining = true;
    int told = 0;
    for (Channel ch : connections) {
      ch.pipeline().fireUserEventTriggered(STARTED); // Netty runs it on the channel's event loop
      told++;
    }
    return told;
  }

  public boolean draining() {
    return draining;
  }

  public Direction direction() {
    return direction;
  }

  /** Closes every connection still open: the end of the drain period. */
  public ChannelGroupFuture closeAll() {
    return connections.close();
  }
}
