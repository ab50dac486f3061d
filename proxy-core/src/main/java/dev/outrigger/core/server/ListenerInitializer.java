package dev.outrigger.core.server;

import dev.outrigger.core.listener.ListenerDrain;
import dev.outrigger.core.listener.ByteCounter;
import dev.outrigger.core.listener.ConnectionLifecycle;
import dev.outrigger.core.overload.BufferBudget;
import dev.outrigger.core.relay.DownstreamHandler;
import dev.outrigger.core.stats.ListenerStats;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Assembles the pipeline of an accepted connection; the handlers do the work. */
final class ListenerInitializer extends ChannelInitializer<Channel> {
  private final DownstreamHandler.Factory handlers;
  private final long idleTimeoutMillis;
  private final ListenerDrain drain;
  private final ListenerStats stats;
  private final BufferBudget budget;

  ListenerInitializer(DownstreamHandler.Factory handlers, Duration idleTimeout, ListenerDrain drain, ListenerStats stats,
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
    ch.pipeline().addLast("bytes", new ByteCounter(stats));
    ch.pipeline().addLast("lifecycle", new ConnectionLifecycle(stats));
    budget.install(ch); // first in the pipeline: an allocation failure resets this one connection
    // Every byte of the connection passes the client side, so one idle timer there covers both.
    // Whichever handler owns the connection's current state (sniffing, relay, HTTP/1.1, h2c)
    // decides what idleness means for it.
    ch.pipeline().addLast("idle", new IdleStateHandler(0, 0, idleTimeoutMillis, TimeUnit.MILLISECONDS));
    ch.pipeline().addLast("downstream", handlers.create());
  }
}
