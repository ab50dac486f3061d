package dev.outrigger.core.sniff;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.util.Optional;

/**
 * Holds a new connection's first bytes until {@link ProtocolDetector} can name the protocol, then
 * hands the bytes on and leaves the pipeline. A client that closes before deciding is treated as
 * opaque with what it sent, so its FIN (or nothing at all) still reaches the upstream.
 */
public final class SniffHandler extends ChannelInboundHandlerAdapter {
  /** What to do once the protocol is known; receives the sniffed bytes (caller releases). */
  @FunctionalInterface
  public interface Decision {
    void decided(ChannelHandlerContext ctx, Protocol protocol, ByteBuf sniffed, boolean inputClosed);
  }

  private final Decision decision;
  private CompositeByteBuf sniffed;
  private boolean decided;

  public SniffHandler(Decision decision) {
    this.decision = decision;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    sniffed = ctx.alloc().compositeBuffer();
    ctx.read();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (decided) {
      ctx.fireChannelRead(msg);
      return;
    }
    sniffed.addComponent(true, (ByteBuf) msg);
    Optional<Protocol> protocol = ProtocolDetector.detect(sniffed);
    protocol.ifPresent(p -> decide(ctx, p, false));
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (!decided) {
      ctx.read(); // no timer: wait for as many bytes as it takes
    } else {
      ctx.fireChannelReadComplete();
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (!decided && evt instanceof ChannelInputShutdownEvent) {
      decide(ctx, Protocol.OPAQUE, true);
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (!decided) {
      decide(ctx, Protocol.OPAQUE, true);
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (!decided && sniffed != null) {
      sniffed.release();
    }
  }

  private void decide(ChannelHandlerContext ctx, Protocol protocol, boolean inputClosed) {
    decided = true;
    ByteBuf bytes = sniffed;
    sniffed = null;
    decision.decided(ctx, protocol, bytes, inputClosed);
  }
}
