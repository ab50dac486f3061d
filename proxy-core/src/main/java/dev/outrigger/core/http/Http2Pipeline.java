package dev.outrigger.core.http;

import dev.outrigger.core.ListenerContext;
import dev.outrigger.core.listener.ListenerDrain;
import dev.outrigger.core.listener.ByteCounter;
import dev.outrigger.core.listener.PipelineNames;
import dev.outrigger.core.log.ConnectionRecord;
import dev.outrigger.core.route.HttpRouter;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;

/** Turns a client connection that opened with the HTTP/2 preface (h2c) into an HTTP/2 proxy connection. */
public final class Http2Pipeline {
  private Http2Pipeline() {}

  /** @param sniffed the connection's first bytes (the preface); ownership passes to the pipeline */
  public static void install(Channel downstream, ConnectionRecord connection, HttpRouter router,
      ListenerContext context, ByteBuf sniffed) {
    // The header list limit is the HTTP/1 one (Envoy's max_request_headers_kb applies to both).
    Http2FrameCodec codec = Http2FrameCodecBuilder.forServer()
        .initialSettings(Http2Settings.defaultSettings().maxHeaderListSize(context.http().maxRequestHeaderBytes()))
        .build();
    downstream.pipeline().addLast(PipelineNames.H2_HEADERS_DEADLINE, new Http2HeadersDeadline(connection, context));
    downstream.pipeline().addLast(PipelineNames.H2_CODEC, codec);
    downstream.pipeline().addLast(PipelineNames.H2_STREAMS, new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
      @Override
      protected void initChannel(Http2StreamChannel stream) {
        stream.config().setAutoRead(false); // each stream is read as its upstream can take more
        stream.pipeline().addLast(new Http2RequestCheck(context));
        stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true));
        stream.pipeline().addLast(new Http2StreamSession(connection, router, context));
      }
    }));
    downstream.pipeline().addLast(PipelineNames.H2_DRAIN, new Http2DrainGoAway(context.stats(), ListenerDrain.DRAIN_TIMEOUT));
    downstream.pipeline().addLast(PipelineNames.H2_CONNECTION, new Http2ConnectionEvents(codec, connection, context));
    // The connection itself is always read: per-stream flow control windows give backpressure.
    downstream.config().setAutoRead(true);
    ByteCounter.replay(downstream, sniffed); // counted when detection read them
  }
}
