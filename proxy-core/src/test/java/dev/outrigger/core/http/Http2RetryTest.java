package dev.outrigger.core.http;

import dev.outrigger.core.net.OriginalDestination;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.core.Direction;
import dev.outrigger.core.config.InboundMode;
import dev.outrigger.core.relay.ProxyFixture;
import dev.outrigger.core.route.ConnectionPlan;
import dev.outrigger.core.route.HttpRouting;
import dev.outrigger.core.route.RouteDecision;
import dev.outrigger.core.route.Router;
import dev.outrigger.core.route.Upstream;
import dev.outrigger.core.route.listener.ConnectionFacts;
import dev.outrigger.core.route.table.FaultPolicy;
import dev.outrigger.core.route.table.HeaderMutations;
import dev.outrigger.core.route.table.RetryPolicy;
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
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * HTTP/2 requests without a body arrive whole (one FullHttpRequest): they count as complete from
 * the start, so a route's retries, and the per-try timeout, work for them as for HTTP/1.1.
 */
class Http2RetryTest {
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  private final List<String> attemptCounts = new CopyOnWriteArrayList<>();
  private ProxyFixture proxy;
  private Channel app;

  @BeforeEach
  void start() throws Exception {
    proxy = new ProxyFixture(InboundMode.PRESERVE, Duration.ofSeconds(5), Duration.ofHours(1), HttpSettings.defaults());
  }

  @AfterEach
  void stop() {
    proxy.close();
    if (app != null) {
      app.close();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  @Test
  void aBodilessH2RequestIsRetriedOnA503() throws Exception {
    app = h2cApp(n -> n == 1 ? "503" : "200");
    route(new RetryPolicy(Set.of("5xx"), 2, Duration.ZERO, Set.of()));

    assertEquals("200", get());
    assertEquals(List.of("1", "2"), attemptCounts);
    assertEquals(1, proxy.counter(Direction.OUTBOUND, Counter.UPSTREAM_RQ_RETRY));
    String line = HttpProxyTest.single(proxy.awaitIdleAndAccessLines());
    assertTrue(line.contains("\"GET /x HTTP/2\" 200 - via_upstream "), line);
  }

  @Test
  void aRefusedStreamIsRetried() throws Exception {
    app = h2cApp(n -> n == 1 ? "refuse" : "200");
    route(new RetryPolicy(Set.of("refused-stream"), 1, Duration.ZERO, Set.of()));

    assertEquals("200", get());
    assertEquals(List.of("1", "2"), attemptCounts);
    HttpProxyTest.single(proxy.awaitIdleAndAccessLines());
  }

  @Test
  void aPerTryTimeoutRunsForAWholeH2Request() throws Exception {
    app = h2cApp(n -> n == 1 ? "hang" : "200");
    route(new RetryPolicy(Set.of("5xx"), 1, Duration.ofMillis(300), Set.of()));

    assertEquals("200", get());
    assertEquals(1, proxy.counter(Direction.OUTBOUND, Counter.UPSTREAM_RQ_PER_TRY_TIMEOUT));
    HttpProxyTest.single(proxy.awaitIdleAndAccessLines());
  }

  private void route(RetryPolicy retry) {
    Upstream upstream = Upstream.direct((InetSocketAddress) app.localAddress());
    RouteDecision decision = new RouteDecision("outbound|80||svc", upstream, new RecordingTarget(upstream), "r1",
        Duration.ofSeconds(5), retry, FaultPolicy.NONE, HeaderMutations.NONE);
    proxy.destination.set(upstream.address());
    proxy.server.routeWith(Direction.OUTBOUND, new Router() {
      @Override
      public boolean detectsProtocol(OriginalDestination originalDestination) {
        return true;
      }

      @Override
      public ConnectionPlan plan(ConnectionFacts facts) {
        return new ConnectionPlan.Http(request -> new HttpRouting.Forward(decision));
      }
    });
  }

  /** One GET (HEADERS with END_STREAM) from an h2c client; returns the response's :status. */
  private String get() throws Exception {
    Channel connection = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build(),
                new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
          }
        })
        .connect("127.0.0.1", proxy.server.port(Direction.OUTBOUND)).sync().channel();
    try {
      BlockingQueue<Http2HeadersFrame> responses = new LinkedBlockingQueue<>();
      Http2StreamChannel stream = new Http2StreamChannelBootstrap(connection)
          .handler(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
              if (msg instanceof Http2HeadersFrame h) {
                responses.add(h);
              }
              ReferenceCountUtil.release(msg);
            }
          })
          .open().sync().getNow();
      stream.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().method("GET").path("/x")
          .scheme("http").authority("svc"), true)).sync();
      Http2HeadersFrame response = responses.poll(10, TimeUnit.SECONDS);
      assertNotNull(response, "no response");
      return response.headers().status().toString();
    } finally {
      connection.close().sync();
    }
  }

  /**
   * An h2c app: the n-th stream (from 1) gets what {@code answer} says: a status, "refuse"
   * (RST_STREAM REFUSED_STREAM), or "hang" (nothing).
   */
  private Channel h2cApp(IntFunction<String> answer) throws InterruptedException {
    AtomicInteger streams = new AtomicInteger();
    return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(),
                new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                  @Override
                  protected void initChannel(Http2StreamChannel stream) {
                    stream.pipeline().addLast(answering(answer, streams));
                  }
                }));
          }
        })
        .bind("127.0.0.1", 0).sync().channel();
  }

  /** Answers one stream, as the n-th. */
  private ChannelInboundHandlerAdapter answering(IntFunction<String> answer, AtomicInteger streams) {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2HeadersFrame h) {
          CharSequence attempt = h.headers().get("x-envoy-attempt-count");
          attemptCounts.add(attempt == null ? "?" : attempt.toString());
        }
        boolean end = msg instanceof Http2HeadersFrame h && h.isEndStream()
            || msg instanceof Http2DataFrame d && d.isEndStream();
        ReferenceCountUtil.release(msg);
        if (!end) {
          return;
        }
        String what = answer.apply(streams.incrementAndGet());
        if (what.equals("refuse")) {
          ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.REFUSED_STREAM));
        } else if (!what.equals("hang")) {
          ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status(what)));
          ctx.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.copiedBuffer("ok", StandardCharsets.US_ASCII), true));
        }
      }
    };
  }
}
