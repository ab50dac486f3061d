package dev.outrigger.agent.dns;

import dev.outrigger.core.log.RateLimitedLog;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's DNS proxy (Istio's on 127.0.0.1:15053 and/or [::1]:15053, UDP and TCP), where the capture rules send
 * the pod's DNS. One event loop of its own serves both sockets, the upstream queries and the
 * cache. A packet it cannot read is counted, logged (rate-limited) and answered FORMERR or
 * dropped; it never stops the server.
 */
public final class DnsProxyServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DnsProxyServer.class);
  private static final RateLimitedLog badPackets =
      new RateLimitedLog(DnsProxyServer.class.getName(), Duration.ofSeconds(10), "bad DNS packet");
  /** A client connection that sends nothing for this long is closed (miekg's server: 8 s read timeout). */
  private static final int TCP_IDLE_SECONDS = 8;

  private final DnsProxyConfig config;
  private final DnsStats stats;
  private final AtomicReference<LookupTable> table = new AtomicReference<>();
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
  private final DnsResolver resolver;
  private final List<Channel> channels = new ArrayList<>();
  private final List<InetSocketAddress> addresses = new ArrayList<>();

  public DnsProxyServer(DnsProxyConfig config, DnsStats stats) {
    this.config = config;
    this.stats = stats;
    this.resolver = new DnsResolver(table,
        new UpstreamForwarder(config.resolvConf().nameservers(), config.upstreamTimeout(), stats),
        new ResponseCache(config.cacheSize(), System::nanoTime), stats);
  }

  /** Replaces the names answered locally (istiod's name table, or a static one). */
  public void update(NameTable names) {
    LookupTable built = LookupTable.build(names, config.proxyDomain(), config.resolvConf().search());
    table.set(built);
    log.info("DNS name table: {} hosts, {} names", names.hosts().size(), built.size());
  }

  public DnsStats stats() {
    return stats;
  }

  public boolean hasTable() {
    return table.get() != null;
  }

  public void start() throws InterruptedException {
    if (config.resolvConf().nameservers().isEmpty()) {
      log.warn("DNS proxy: resolv.conf names no nameserver; every name not in the mesh's table gets SERVFAIL");
    }
    int port = -1;
    for (InetSocketAddress listen : config.listen()) {
      // Port 0 (tests): the first socket picks the port, the others take the same one.
      InetSocketAddress address = port < 0 ? listen : new InetSocketAddress(listen.getAddress(), port);
      Channel udp = new Bootstrap().group(group).channel(EpollDatagramChannel.class)
          .handler(new UdpHandler()).bind(address).sync().channel();
      InetSocketAddress bound = (InetSocketAddress) udp.localAddress();
      port = bound.getPort();
      channels.add(udp);
      channels.add(new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
          .childHandler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
              ch.pipeline().addLast(new ReadTimeoutHandler(TCP_IDLE_SECONDS),
                  new LengthFieldBasedFrameDecoder(65535 + 2, 0, 2, 0, 2), new LengthFieldPrepender(2), new TcpHandler());
            }
          })
          .bind(bound).sync().channel());
      addresses.add(bound);
    }
    log.info("DNS proxy on {} (udp, tcp), upstream {}, timeout {} ms", addresses, config.resolvConf().nameservers(),
        config.upstreamTimeout().toMillis());
  }

  /** The first address it listens on. */
  public InetSocketAddress address() {
    return addresses.get(0);
  }

  /** Every address it listens on (UDP and TCP each). */
  public List<InetSocketAddress> addresses() {
    return List.copyOf(addresses);
  }

  @Override
  public void close() {
    channels.forEach(channel -> channel.close().syncUninterruptibly());
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private DnsQuery read(ByteBuf message, Channel channel, java.util.function.Consumer<byte[]> reply) {
    try {
      return DnsWire.parseQuery(message);
    } catch (DnsWire.BadQuery e) {
      stats.badQueries.inc();
      badPackets.warn("DNS message from {} is not a readable query: {}", channel.remoteAddress(), e.getMessage());
      if (e.id >= 0) {
        reply.accept(DnsWire.formatError(e.id));
      }
      return null;
    }
  }

  private final class UdpHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
      InetSocketAddress client = packet.sender();
      DnsQuery query = read(packet.content(), ctx.channel(),
          bytes -> ctx.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(bytes), client)));
      if (query == null) {
        return;
      }
      resolver.resolve((EventLoop) ctx.executor(), query, Transport.UDP).addListener(f -> {
        if (f.isSuccess()) {
          ctx.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer((byte[]) f.getNow()), client));
        }
      });
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // An unconnected UDP socket: an error concerns one datagram, never the server.
      badPackets.warn("DNS proxy UDP socket: {}", cause.toString());
    }
  }

  private final class TcpHandler extends SimpleChannelInboundHandler<ByteBuf> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
      DnsQuery query = read(frame, ctx.channel(), bytes -> ctx.writeAndFlush(Unpooled.wrappedBuffer(bytes)));
      if (query == null) {
        return;
      }
      resolver.resolve((EventLoop) ctx.executor(), query, Transport.TCP).addListener(f -> {
        if (f.isSuccess() && ctx.channel().isActive()) {
          ctx.writeAndFlush(Unpooled.wrappedBuffer((byte[]) f.getNow()));
        }
      });
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close(); // idle, reset or a bad frame: this connection only
    }
  }
}
