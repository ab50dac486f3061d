package dev.outrigger.core.relay;

import dev.outrigger.core.Direction;
import dev.outrigger.core.log.AccessLog;
import dev.outrigger.core.log.ConnectionRecord;
import dev.outrigger.core.net.LoopGuard;
import dev.outrigger.core.net.OriginalDestinationLookup;
import dev.outrigger.core.route.Upstream;
import dev.outrigger.core.route.UpstreamConnector;
import dev.outrigger.core.route.UpstreamPlanner;
import dev.outrigger.core.stats.Counter;
import dev.outrigger.core.stats.ListenerStats;
import dev.outrigger.core.telemetry.Telemetry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ConnectTimeoutException;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * First handler of an accepted connection: finds its original destination, refuses loops, and
 * opens the upstream connection. Reading from the client starts only once the upstream is
 * connected, so nothing is buffered meanwhile. The relay handlers take over from there.
 */
public final class DownstreamHandler extends ChannelInboundHandlerAdapter {
  /** Makes the handler for each accepted connection. */
  @FunctionalInterface
  public interface Factory {
    DownstreamHandler create();
  }

  private final Direction direction;
  private final OriginalDestinationLookup lookup;
  private final LoopGuard loopGuard;
  private final UpstreamPlanner planner;
  private final ListenerStats stats;
  private final AccessLog accessLog;
  private final Telemetry telemetry;
  private final UpstreamConnector connector;

  public DownstreamHandler(
      Direction direction,
      OriginalDestinationLookup lookup,
      LoopGuard loopGuard,
      UpstreamPlanner planner,
      ListenerStats stats,
      AccessLog accessLog,
      Telemetry telemetry,
      UpstreamConnector connector) {
    this.direction = direction;
    this.lookup = lookup;
    this.loopGuard = loopGuard;
    this.planner = planner;
    this.stats = stats;
    this.accessLog = accessLog;
    this.telemetry = telemetry;
    this.connector = connector;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    Channel downstream = ctx.channel();
    stats.increment(Counter.DOWNSTREAM_CX_TOTAL);
    stats.increment(Counter.DOWNSTREAM_CX_ACTIVE);
    InetSocketAddress acceptedOn = (InetSocketAddress) downstream.localAddress();
    ConnectionRecord record = new ConnectionRecord((InetSocketAddress) downstream.remoteAddress(), acceptedOn);
    ProxiedConnection connection = new ProxiedConnection(downstream, record, stats, accessLog, telemetry);
    ctx.pipeline().replace(this, "relay", new RelayHandler(connection, Side.DOWNSTREAM));

    InetSocketAddress original;
    try {
      original = lookup.lookup(downstream);
    } catch (IOException | RuntimeException e) {
      connection.refuse(Counter.DOWNSTREAM_CX_NO_ORIGINAL_DST, "no original destination", e);
      return;
    }
    record.originalDestination(original);
    if (loopGuard.isLoop(acceptedOn, original)) {
      connection.refuse(Counter.DOWNSTREAM_CX_LOOP_REFUSED, "refused a loop to the proxy's own listener", null);
      return;
    }
    telemetry.tcpOpened(direction, original);
    Upstream upstream = planner.plan(direction, original);
    record.upstream(upstream.address(), upstream.cluster());
    connector.connect(downstream.eventLoop(), upstream, new RelayHandler(connection, Side.UPSTREAM)).addListener((ChannelFutureListener) f -> {
      if (f.isSuccess()) {
        connection.upstreamConnected(f.channel());
      } else {
        boolean timedOut = f.cause() instanceof ConnectTimeoutException;
        connection.upstreamFailed(
            timedOut ? Counter.UPSTREAM_CX_CONNECT_TIMEOUT : Counter.UPSTREAM_CX_CONNECT_FAIL, f.cause());
      }
    });
  }

}
