package dev.outrigger.core.http;

import dev.outrigger.core.ListenerContext;
import dev.outrigger.core.log.ConnectionRecord;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * How an h2c client connection ends, besides its streams: the idle timeout closes it when no
 * stream is open (each open stream has its own idle timer), and a FIN from the client closes it
 * at once, as Envoy, which does not half-close HTTP connections, treats it as the client's close
 * (the client can no longer send even a WINDOW_UPDATE, so open streams could not finish anyway).
 */
final class Http2ConnectionEvents extends ChannelInboundHandlerAdapter {
  private final Http2FrameCodec codec;
  private final ConnectionRecord connection;
  private final ListenerContext context;

  Http2ConnectionEvents(Http2FrameCodec codec, ConnectionRecord connection, ListenerContext context) {
    this.codec = codec;
    this.connection = connection;
    this.context = context;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      if (codec.connection().numActiveStreams() == 0) {
        HttpConnectionIdle.goAwayAndClose(ctx.channel(), connection, context);
      }
    } else if (evt instanceof ChannelInputShutdownEvent) {
      ctx.close();
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }
}
