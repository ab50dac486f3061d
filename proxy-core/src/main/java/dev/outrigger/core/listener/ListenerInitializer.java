package dev.outrigger.core.listener;

import dev.outrigger.core.overload.BufferBudget;
import dev.outrigger.core.relay.DownstreamHandler;
import dev.outrigger.core.stats.ListenerStats;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Assembles the pipeline of an accepted connection, up to the handler that decides what it carries;
 * the handlers do the work. Names and order: {@link PipelineNames}.
 */
public final class ListenerInitializer extends ChannelInitializer<Channel> {
  private final DownstreamHandler.Factory handlers;
  private final long idleTimeoutMillis;
  private final ListenerDrain drain;
  private final ListenerStats stats;
  private final BufferBudget budget;

  public ListenerInitializer(DownstreamHandler.Factory handlers, Duration idleTimeout, ListenerDrain drain, ListenerStats stats,
      BufferBudget budget) {
    this.handlers = handlers;
    this.idleTimeoutMillis = idleTimeout.toMillis();
    this.drain = drain;
    this.stats = stats;
    this.budget = budget;
  }

  @Override
  protected void initChannel(Channel ch) {
    drain.register(ch); // so a drain reaches the connection, and its end can close what is left
    // At the socket end, so every byte is counted once whatever the connection carries.
    ch.pipeline().addLast(PipelineNames.BYTES, new ByteCounter(stats));
    ch.pipeline().addLast(PipelineNames.LIFECYCLE, new ConnectionLifecycle(stats));
    budget.install(ch); // first in the pipeline: an allocation failure resets this one connection
    // Every byte of the connection passes the client side, so one idle timer there covers both.
    // Whichever handler owns the connection's current state (sniffing, relay, HTTP/1.1, h2c)
    // decides what idleness means for it.
    ch.pipeline().addLast(PipelineNames.IDLE, new IdleStateHandler(0, 0, idleTimeoutMillis, TimeUnit.MILLISECONDS));
    ch.pipeline().addLast(PipelineNames.DOWNSTREAM, handlers.create());
  }
}
