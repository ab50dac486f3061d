package dev.outrigger.core.listener;

import dev.outrigger.core.stats.Counter;
import dev.outrigger.core.stats.ListenerStats;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;

/**
 * The one owner of an accepted connection's place in the active-connection gauge: counted when it
 * is accepted, uncounted once the connection is closed <em>and</em> whatever still has to write
 * its access-log line has done so. The TCP relay and each HTTP/2 stream hold the connection
 * ({@link #hold()}) until their line is written; HTTP/1.1 exchanges write theirs while the close
 * passes through the pipeline, before this handler lets go. A drain or a test that waits for the
 * gauge to reach zero therefore sees every line.
 *
 * <p>Everything here runs on the connection's event loop (the relay's upstream channel and the
 * HTTP/2 stream channels share it), so the hold count needs no synchronisation.
 */
public final class ConnectionLifecycle extends ChannelInboundHandlerAdapter {
  private static final AttributeKey<ConnectionLifecycle> KEY = AttributeKey.valueOf(ConnectionLifecycle.class, "lifecycle");

  private final ListenerStats stats;
  private int holds = 1; // the connection itself, released when it closes
  private boolean counted;

  public ConnectionLifecycle(ListenerStats stats) {
    this.stats = stats;
  }

  /** The lifecycle of an accepted connection (or of the connection an HTTP/2 stream belongs to). */
  public static ConnectionLifecycle of(Channel channel) {
    Channel accepted = channel.parent() != null && channel.parent().hasAttr(KEY) ? channel.parent() : channel;
    ConnectionLifecycle lifecycle = accepted.attr(KEY).get();
    if (lifecycle == null) {
      throw new IllegalStateException("not an accepted connection: " + channel);
    }
    return lifecycle;
  }

  /** Keeps the connection counted as active until the matching {@link #release()}. */
  public void hold() {
    holds++;
  }

  public void release() {
    if (--holds == 0 && counted) {
      counted = false;
      stats.decrement(Counter.DOWNSTREAM_CX_ACTIVE);
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    ctx.channel().attr(KEY).set(this);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    stats.increment(Counter.DOWNSTREAM_CX_TOTAL);
    stats.increment(Counter.DOWNSTREAM_CX_ACTIVE);
    counted = true;
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    ctx.fireChannelInactive(); // the handlers behind this one finish their exchanges first
    release();
  }
}
