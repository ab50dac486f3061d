package dev.outrigger.core.relay;

import dev.outrigger.core.overload.ReadGate;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * Copies bytes from the channel it sits on to the other side of the connection.
 *
 * <p>Backpressure: automatic reads are off. After each read burst the copy is flushed, and the
 * next read is asked for only while the other side is writable; when the other side's outbound
 * buffer passes its high-water mark, reading pauses until {@link #channelWritabilityChanged} on
 * that side resumes it. Memory per connection is bounded by the water marks plus one read burst.
 * Writes use the void promise, so no object is allocated per chunk; a failed write surfaces as
 * {@code exceptionCaught} on the side that failed.
 */
final class RelayHandler extends ChannelInboundHandlerAdapter {
  private final ProxiedConnection connection;
  private final Side side;

  RelayHandler(ProxiedConnection connection, Side side) {
    this.connection = connection;
    this.side = side;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    connection.forward(side, (ByteBuf) msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    Channel peer = connection.channel(side.other());
    if (peer == null) {
      return; // upstream not connected yet; reading resumes once it is
    }
    peer.flush();
    if (peer.isWritable()) {
      ReadGate.read(ctx.channel(), peer);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    // This side drained below its low-water mark: the side that feeds it may read again.
    Channel feeder = connection.channel(side.other());
    if (ctx.channel().isWritable() && feeder != null) {
      ReadGate.read(feeder, ctx.channel());
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      connection.inputShutdown(side);
    } else if (evt instanceof IdleStateEvent) {
      connection.idleTimeout();
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    connection.abort(side, cause);
  }
}
