package dev.outrigger.core.http;

import dev.outrigger.core.listener.PipelineNames;
import dev.outrigger.core.route.Upstream;
import dev.outrigger.core.route.UpstreamConnector;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * h2c end to end: one multiplexed HTTP/2 connection per upstream and event loop; each request
 * opens a stream on it. The stream speaks HttpObjects, so an exchange does not care which it got.
 */
final class Http2Upstreams {
  private final UpstreamConnector connector;
  private final int maxResponseHeaderBytes;
  private final Map<EventLoop, Map<ConnectionKey, ChannelFuture>> connections = new ConcurrentHashMap<>();

  Http2Upstreams(UpstreamConnector connector, int maxResponseHeaderBytes) {
    this.connector = connector;
    this.maxResponseHeaderBytes = maxResponseHeaderBytes;
  }

  Future<UpstreamPools.Borrowed> openStream(EventLoop loop, Upstream upstream) {
    Promise<UpstreamPools.Borrowed> promise = loop.newPromise();
    Map<ConnectionKey, ChannelFuture> perLoop = connections.computeIfAbsent(loop, l -> new HashMap<>());
    ConnectionKey key = ConnectionKey.of(upstream);
    ChannelFuture existing = perLoop.get(key);
    boolean shared = existing != null && (!existing.isDone() || acceptsStreams(existing.channel()));
    ChannelFuture connection = shared ? existing : connect(loop, upstream, perLoop, key);
    connection.addListener((ChannelFutureListener) f -> {
      if (!f.isSuccess()) {
        perLoop.remove(key, connection);
        promise.setFailure(f.cause());
        return;
      }
      new Http2StreamChannelBootstrap(f.channel())
          .handler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
              stream.config().setAutoRead(false);
              stream.pipeline().addLast(PipelineNames.UPSTREAM_CODEC, new Http2StreamFrameToHttpObjectCodec(false));
              stream.pipeline().addLast(PipelineNames.UPSTREAM_EXCHANGE, new UpstreamHandler());
            }
          })
          .open()
          .addListener(s -> {
            if (s.isSuccess()) {
              promise.setSuccess(new UpstreamPools.Borrowed((Channel) s.getNow()));
            } else {
              promise.setFailure(s.cause());
            }
          });
    });
    return promise;
  }

  /** Open, and not retired by the upstream: after GOAWAY new streams go to a new connection. */
  private static boolean acceptsStreams(Channel connection) {
    Http2FrameCodec codec = connection.pipeline().get(Http2FrameCodec.class);
    return connection.isActive() && codec != null && !codec.connection().goAwayReceived();
  }

  private ChannelFuture connect(EventLoop loop, Upstream upstream, Map<ConnectionKey, ChannelFuture> perLoop, ConnectionKey key) {
    ChannelFuture f = connector.connect(loop, upstream, new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel ch) {
        ch.pipeline().addLast(Http2FrameCodecBuilder.forClient()
                .initialSettings(Http2Settings.defaultSettings().maxHeaderListSize(maxResponseHeaderBytes)).build(),
            new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
      }
    });
    perLoop.put(key, f);
    f.addListener((ChannelFutureListener) done -> {
      if (done.isSuccess()) {
        // Frames for all streams arrive on this one connection: it is always read; each stream's
        // flow-control window is what holds a fast upstream back.
        done.channel().config().setAutoRead(true);
        done.channel().closeFuture().addListener(c -> perLoop.remove(key, f));
      }
    });
    return f;
  }
}
