package dev.outrigger.core.http;

import dev.outrigger.core.listener.PipelineNames;
import dev.outrigger.core.route.Upstream;
import dev.outrigger.core.route.UpstreamConnector;
import dev.outrigger.core.route.UpstreamHttpProtocol;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Keep-alive HTTP/1.1 connections to upstreams, one pool per event loop: a request borrows a
 * connection on its own client connection's loop, so pools need no locks.
 */
public final class UpstreamPools {
  private static final int MAX_IDLE_PER_DESTINATION = 64;

  private final UpstreamConnector connector;
  private final Duration idleTimeout;
  private final int maxResponseHeaderBytes;
  private final Map<EventLoop, Map<ConnectionKey, ArrayDeque<Channel>>> idle = new ConcurrentHashMap<>();
  private final Http2Upstreams http2;

  public UpstreamPools(UpstreamConnector connector, HttpSettings settings) {
    this.connector = connector;
    this.idleTimeout = settings.upstreamIdleTimeout();
    this.maxResponseHeaderBytes = settings.maxResponseHeaderBytes();
    this.http2 = new Http2Upstreams(connector, maxResponseHeaderBytes);
  }

  /**
   * For HTTP/2, a new stream on the shared connection; for HTTP/1.1, an idle connection if one is
   * open, else a new one.
   */
  Future<Borrowed> acquire(EventLoop loop, Upstream upstream, boolean h2) {
    UpstreamHttpProtocol protocol = UpstreamHttpProtocol.forExchange(h2);
    Upstream wire = carrying(upstream, protocol);
    return h2 ? http2.openStream(loop, wire) : acquireHttp1(loop, wire);
  }

  /**
   * The upstream as an exchange speaking {@code protocol} connects to it: its transport with
   * Istio's per-version ALPN list, so that pooled connections are shared only by exchanges that
   * would have offered the same list.
   */
  private static Upstream carrying(Upstream upstream, UpstreamHttpProtocol protocol) {
    return upstream.withTransport(upstream.transport().forHttp(protocol));
  }

  private Future<Borrowed> acquireHttp1(EventLoop loop, Upstream upstream) {
    Promise<Borrowed> promise = loop.newPromise();
    ArrayDeque<Channel> channels = idleFor(loop, upstream);
    Channel ch;
    while ((ch = channels.pollFirst()) != null) {
      if (ch.isActive()) {
        return promise.setSuccess(new Borrowed(ch));
      }
    }
    connector.connect(loop, upstream, new io.netty.channel.ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel c) {
        // For HTTP a FIN from the upstream ends the connection (and a close-delimited body).
        c.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, false);
        c.pipeline().addLast(PipelineNames.UPSTREAM_IDLE, new IdleStateHandler(0, 0, idleTimeout.toMillis(), TimeUnit.MILLISECONDS));
        c.pipeline().addLast(PipelineNames.UPSTREAM_CODEC, new Http1ClientCodec(maxResponseHeaderBytes, Http1Pipeline.MAX_CHUNK));
        c.pipeline().addLast(PipelineNames.UPSTREAM_EXCHANGE, new UpstreamHandler());
      }
    }).addListener((ChannelFutureListener) f -> {
      if (f.isSuccess()) {
        Channel connected = f.channel();
        connected.closeFuture().addListener(c -> idleFor(loop, upstream).remove(connected)); // once per connection
        promise.setSuccess(new Borrowed(connected));
      } else {
        promise.setFailure(f.cause());
      }
    });
    return promise;
  }

  /** Returns a connection after a complete exchange; it is closed if the pool is full. */
  void release(EventLoop loop, Upstream upstream, Channel ch) {
    if (ch instanceof Http2StreamChannel) {
      ch.close(); // the stream is complete; its connection stays for the next one
      return;
    }
    // back under the key it was borrowed by: an HTTP/1 exchange's
    ArrayDeque<Channel> channels = idleFor(loop, carrying(upstream, UpstreamHttpProtocol.forExchange(false)));
    if (!ch.isActive() || channels.size() >= MAX_IDLE_PER_DESTINATION) {
      ch.close();
      return;
    }
    channels.addFirst(ch); // most recently used first: the least likely to have been closed
    ch.read(); // watch for the upstream closing it while idle
  }

  private ArrayDeque<Channel> idleFor(EventLoop loop, Upstream upstream) {
    return idle.computeIfAbsent(loop, l -> new HashMap<>())
        .computeIfAbsent(ConnectionKey.of(upstream), k -> new ArrayDeque<>());
  }

  /** A connection lent to one exchange. */
  record Borrowed(Channel channel) {
    UpstreamHandler handler() {
      return channel.pipeline().get(UpstreamHandler.class);
    }
  }
}
