package dev.outrigger.core.listener;

import dev.outrigger.core.stats.Counter;
import dev.outrigger.core.stats.ListenerStats;
import dev.outrigger.core.tls.TlsPipelineNames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * Counts the listener's {@code bytes_received} and {@code bytes_sent} at the socket end of every
 * accepted pipeline, whatever the connection turns out to carry (L4 relay, HTTP/1.1, h2c, an
 * upgrade). Bytes are counted as they are read and as they are handed to the socket.
 */
public final class ByteCounter extends ChannelDuplexHandler {
  private final ListenerStats stats;

  public ByteCounter(ListenerStats stats) {
    this.stats = stats;
  }

  /**
   * Passes bytes that were already read (and counted) once more through the handlers behind the
   * counter (behind the TLS handler where there is one), as protocol detection does when it hands
   * its bytes to the HTTP codec.
   */
  public static void replay(Channel channel, ByteBuf bytes) {
    // Where this proxy terminates TLS, the detected bytes are plaintext: they come out of TLS again.
    ChannelHandlerContext tls = channel.pipeline().context(TlsPipelineNames.DOWNSTREAM_TLS);
    if (tls != null) {
      tls.fireChannelRead(bytes).fireChannelReadComplete();
      return;
    }
    ChannelHandlerContext counter = channel.pipeline().context(ByteCounter.class);
    if (counter == null) {
      channel.pipeline().fireChannelRead(bytes).fireChannelReadComplete();
    } else {
      counter.fireChannelRead(bytes).fireChannelReadComplete();
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    stats.add(Counter.BYTES_RECEIVED, size(msg));
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    stats.add(Counter.BYTES_SENT, size(msg));
    ctx.write(msg, promise);
  }

  private static long size(Object msg) {
    if (msg instanceof ByteBuf) {
      return ((ByteBuf) msg).readableBytes();
    }
    return msg instanceof ByteBufHolder ? ((ByteBufHolder) msg).content().readableBytes() : 0;
  }
}
