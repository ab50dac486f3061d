package dev.outrigger.core.relay;

import dev.outrigger.core.Direction;
import dev.outrigger.core.http.Http1Pipeline;
import dev.outrigger.core.http.Http2Pipeline;
import dev.outrigger.core.ListenerContext;
import dev.outrigger.core.log.ConnectionRecord;
import dev.outrigger.core.net.LoopGuard;
import dev.outrigger.core.net.OriginalDestinationLookup;
import dev.outrigger.core.route.Upstream;
import dev.outrigger.core.route.UpstreamPlanner;
import dev.outrigger.core.sniff.Protocol;
import dev.outrigger.core.sniff.SniffHandler;
import dev.outrigger.core.stats.Counter;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * First handler of an accepted connection: finds its original destination, refuses loops, then
 * relays it at L4 or, when its first bytes are HTTP, hands it to the HTTP path. Reading from the
 * client starts only once there is somewhere to put the bytes.
 */
public final class DownstreamHandler extends ChannelInboundHandlerAdapter {
  private final Direction direction;
  private final OriginalDestinationLookup lookup;
  private final LoopGuard loopGuard;
  private final UpstreamPlanner planner;
  private final ListenerContext context;

  public DownstreamHandler(
      Direction direction, OriginalDestinationLookup lookup, LoopGuard loopGuard, UpstreamPlanner planner,
      ListenerContext context) {
    this.direction = direction;
    this.lookup = lookup;
    this.loopGuard = loopGuard;
    this.planner = planner;
    this.context = context;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    Channel downstream = ctx.channel();
    InetSocketAddress acceptedOn = (InetSocketAddress) downstream.localAddress();
    ConnectionRecord record = new ConnectionRecord((InetSocketAddress) downstream.remoteAddress(), acceptedOn);

    InetSocketAddress original;
    try {
      original = lookup.lookup(downstream);
    } catch (IOException | RuntimeException | LinkageError e) {
      refuse(ctx, record, Counter.DOWNSTREAM_CX_NO_ORIGINAL_DST, "no original destination", e);
      return;
    }
    record.originalDestination(original);
    if (loopGuard.isLoop(acceptedOn, original)) {
      refuse(ctx, record, Counter.DOWNSTREAM_CX_LOOP_REFUSED, "refused a loop to the proxy's own listener", null);
      return;
    }
    Upstream upstream = planner.plan(direction, original);
    if (!context.http().detection() || context.http().isServerFirst(original.getPort())) {
      ctx.pipeline().remove(this);
      TcpRelays.start(downstream, record, upstream, context, null, false);
      return;
    }
    SniffHandler.Decision decision = (sniffCtx, protocol, sniffed, inputClosed, firstByteNanos) -> {
      sniffCtx.pipeline().remove(sniffCtx.handler());
      if (protocol == Protocol.HTTP1) {
        Http1Pipeline.install(downstream, record, upstream, context, sniffed, firstByteNanos);
      } else if (protocol == Protocol.HTTP2) {
        Http2Pipeline.install(downstream, record, upstream, context, sniffed);
      } else {
        TcpRelays.start(downstream, record, upstream, context, sniffed, inputClosed);
      }
    };
    ctx.pipeline().replace(this, "sniff", new SniffHandler(decision, new SniffExpiry(record, context),
        context.http().timeouts().protocolDetection(), context.http().timeouts().requestHeaders()));
  }

  private void refuse(ChannelHandlerContext ctx, ConnectionRecord record, Counter counter, String why, Throwable cause) {
    ProxiedConnection connection = new ProxiedConnection(ctx.channel(), record, context.stats(),
        context.accessLog(), context.telemetry());
    ctx.pipeline().remove(this);
    connection.refuse(counter, why, cause);
  }

  /** Makes the handler for each accepted connection. */
  @FunctionalInterface
  public interface Factory {
    DownstreamHandler create();
  }
}
