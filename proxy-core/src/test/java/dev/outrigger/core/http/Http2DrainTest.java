package dev.outrigger.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.core.Direction;
import dev.outrigger.core.config.InboundMode;
import dev.outrigger.core.relay.ProxyFixture;
import dev.outrigger.core.stats.Counter;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An h2c client connection drained as Envoy drains it: a GOAWAY with the last stream id 2^31-1
 * first (no stream in flight refused, none new opened), the open stream answered, then a GOAWAY
 * with the real last stream id and the close.
 */
class Http2DrainTest {
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  private ProxyFixture proxy;
  private Channel app;

  @BeforeEach
  void start() throws Exception {
    app = h2cAppAnsweringAfter(Duration.ofMillis(500));
    proxy = new ProxyFixture(InboundMode.PRESERVE, Duration.ofSeconds(5), Duration.ofHours(1), HttpSettings.defaults());
    proxy.destination.set((InetSocketAddress) app.localAddress());
  }

  @AfterEach
  void stop() {
    proxy.close();
    app.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  @Test
  void aGoAwayNoticeThenTheOpenStreamIsAnsweredThenTheFinalGoAwayAndClose() throws Exception {
    BlockingQueue<Object> connectionFrames = new LinkedBlockingQueue<>();
    Channel connection = h2cClient(connectionFrames);
    BlockingQueue<Object> streamFrames = new LinkedBlockingQueue<>();
    Http2StreamChannel stream = new Http2StreamChannelBootstrap(connection).handler(collect(streamFrames))
        .open().sync().getNow();
    stream.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().method("GET").path("/slow")
        .scheme("http").authority("app"), true)).sync();
    Thread.sleep(200); // the request is at the app, which answers after 500 ms

    proxy.server.drainInbound();

    GoAway notice = poll(connectionFrames, GoAway.class, Duration.ofSeconds(2));
    assertEquals(Integer.MAX_VALUE, notice.lastStreamId(), "the shutdown notice refuses nothing");
    assertEquals(0, notice.errorCode());
    Http2HeadersFrame response = poll(streamFrames, Http2HeadersFrame.class, Duration.ofSeconds(5));
    assertEquals("200", response.headers().status().toString(), "the open stream is answered");
    GoAway last = poll(connectionFrames, GoAway.class, Duration.ofSeconds(10));
    assertEquals(stream.stream().id(), last.lastStreamId(), "the final GOAWAY names the last stream");
    assertTrue(connection.closeFuture().await(5, TimeUnit.SECONDS), "closed after the final GOAWAY");
    assertEquals(1, proxy.counter(Direction.INBOUND, Counter.DOWNSTREAM_CX_DRAIN_CLOSE));
  }

  private Channel h2cClient(BlockingQueue<Object> connectionFrames) throws InterruptedException {
    return new Bootstrap().group(group).channel(NioSocketChannel.class)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build(),
                new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()), collect(connectionFrames));
          }
        })
        .connect("127.0.0.1", proxy.server.port(Direction.INBOUND)).sync().channel();
  }

  /** An h2c app: answers every stream "ok" after the delay. */
  private Channel h2cAppAnsweringAfter(Duration delay) throws InterruptedException {
    return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(),
                new Http2MultiplexHandler(new ChannelInboundHandlerAdapter() {
                  @Override
                  public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    boolean headers = msg instanceof Http2HeadersFrame;
                    ReferenceCountUtil.release(msg);
                    if (headers) {
                      ctx.executor().schedule(() -> {
                        ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")));
                        ctx.writeAndFlush(new DefaultHttp2DataFrame(
                            Unpooled.copiedBuffer("ok", StandardCharsets.US_ASCII), true));
                      }, delay.toMillis(), TimeUnit.MILLISECONDS);
                    }
                  }
                }));
          }
        })
        .bind("127.0.0.1", 0).sync().channel();
  }

  private static ChannelInboundHandlerAdapter collect(BlockingQueue<Object> into) {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2GoAwayFrame goAway) {
          into.add(new GoAway(goAway.lastStreamId(), goAway.errorCode()));
        } else if (msg instanceof Http2HeadersFrame headers) {
          into.add(headers);
        }
        ReferenceCountUtil.release(msg);
      }
    };
  }

  private record GoAway(int lastStreamId, long errorCode) {}

  private static <T> T poll(BlockingQueue<Object> frames, Class<T> type, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Object next = frames.poll(10, TimeUnit.MILLISECONDS);
      if (type.isInstance(next)) {
        return type.cast(next);
      }
    }
    assertNotNull(null, "no " + type.getSimpleName() + " within " + timeout);
    return null;
  }
}
