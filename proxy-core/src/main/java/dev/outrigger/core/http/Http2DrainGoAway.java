package dev.outrigger.core.http;

import dev.outrigger.core.listener.ListenerDrain;
import dev.outrigger.core.stats.Counter;
import dev.outrigger.core.stats.ListenerStats;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Error;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Drains an h2c client connection the way Envoy's connection manager does: first a GOAWAY whose
 * last stream id is 2^31-1 (a "shutdown notice": no new streams, nothing in flight refused), then,
 * after the drain timeout, a GOAWAY with the real last stream id and a close that waits for the
 * open streams to end (Netty's graceful close). The end of the drain period cuts whatever is left.
 */
final class Http2DrainGoAway extends ChannelInboundHandlerAdapter {
  private final ListenerStats stats;
  private final Duration drainTimeout;
  private boolean started;

  Http2DrainGoAway(ListenerStats stats, Duration drainTimeout) {
    this.stats = stats;
    this.drainTimeout = drainTimeout;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ListenerDrain.isDraining(ctx.channel())) {
      // Accepted while draining: the notice follows the server preface the codec writes first.
      ctx.channel().eventLoop().execute(() -> start(ctx));
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt == ListenerDrain.STARTED) {
      start(ctx);
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  private void start(ChannelHandlerContext ctx) {
    if (started || !ctx.channel().isActive()) {
      return;
    }
    started = true;
    stats.increment(Counter.DOWNSTREAM_CX_DRAIN_CLOSE);
    ctx.channel().writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR).setExtraStreamIds(Integer.MAX_VALUE));
    ctx.channel().eventLoop().schedule(() -> {
      if (ctx.channel().isActive()) {
        ctx.channel().writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR));
        ctx.channel().close();
      }
    }, drainTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }
}
