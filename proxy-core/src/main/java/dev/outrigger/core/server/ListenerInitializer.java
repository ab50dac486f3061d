package dev.outrigger.core.server;

import dev.outrigger.core.listener.ListenerDrain;
import dev.outrigger.core.relay.DownstreamHandler;
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

  ListenerInitializer(DownstreamHandler.Factory handlers, Duration idleTimeout, ListenerDrain drain) {
    this.handlers = handlers;
    this.idleTimeoutMillis = idleTimeout.toMillis();
    this.drain = drain;
  }

  @Override
  protected void initChannel(Channel ch) {
    drain.register(ch); // so a drain reaches the connection, and its end can close what is left
    // Every byte of the connection passes the client side, so one idle timer there covers both.
    ch.pipeline().addLast("idle", new IdleStateHandler(0, 0, idleTimeoutMillis, TimeUnit.MILLISECONDS));
    ch.pipeline().addLast("downstream", handlers.create());
  }
}
