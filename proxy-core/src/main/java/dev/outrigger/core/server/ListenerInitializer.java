package dev.outrigger.core.server;

import dev.outrigger.core.overload.BufferBudget;
import dev.outrigger.core.relay.DownstreamHandler;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Assembles the pipeline of an accepted connection; the handlers do the work. */
final class ListenerInitializer extends ChannelInitializer<Channel> {
  private final DownstreamHandler.Factory handlers;
  private final long idleTimeoutMillis;
  private final ChannelGroup connections;
  private final BufferBudget budget;

  ListenerInitializer(DownstreamHandler.Factory handlers, Duration idleTimeout, ChannelGroup connections,
      BufferBudget budget) {
    this.handlers = handlers;
    this.idleTimeoutMillis = idleTimeout.toMillis();
    this.connections = connections;
    this.budget = budget;
  }

  @Override
  protected void initChannel(Channel ch) {
    connections.add(ch); // so a drain that runs out of time can close what is left
    budget.install(ch);
    // Every byte of the connection passes the client side, so one idle timer there covers both.
    ch.pipeline().addLast("idle", new IdleStateHandler(0, 0, idleTimeoutMillis, TimeUnit.MILLISECONDS));
    ch.pipeline().addLast("downstream", handlers.create());
  }
}
