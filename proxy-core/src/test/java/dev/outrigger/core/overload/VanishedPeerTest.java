package dev.outrigger.core.overload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.outrigger.core.server.HalfClosedEpollFix;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.IntegerUnixChannelOption;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A connection the proxy is not reading, whose peer goes away without its reset ever arriving
 * (under a flood the reset can fall outside the window the unread socket advertises, and the
 * kernel drops it): the socket stays ESTABLISHED, nothing is ever read or written on it, and
 * without a probe it would be held until the idle timeout. The peer vanishes here by closing in
 * TCP_REPAIR mode, which sends neither FIN nor RST (needs CAP_NET_ADMIN; skipped without it).
 */
class VanishedPeerTest {
  /** Linux's TCP_REPAIR (IPPROTO_TCP level). */
  private static final IntegerUnixChannelOption TCP_REPAIR = new IntegerUnixChannelOption("TCP_REPAIR", 6, 19);

  /** The end of the test's pipeline: the reset that releases the connection is what is expected. */
  private static final class ExpectedReset extends ChannelInboundHandlerAdapter {
    @Override
    public void exceptionCaught(io.netty.channel.ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  @Test
  void aConnectionNotReadWhosePeerVanishedWithoutAResetIsReleased() throws Exception {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, HalfClosedEpollFix.epoll());
    BufferBudget budget = new BufferBudget(OverloadSettings.defaults());
    CompletableFuture<Channel> accepted = new CompletableFuture<>();
    try {
      Channel server = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
          .childOption(ChannelOption.AUTO_READ, false)
          .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
          .childHandler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
              ch.pipeline().addLast(new ExpectedReset());
              budget.install(ch); // and never read: a connection whose reads are held back
              accepted.complete(ch);
            }
          })
          .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
      Channel peer = new Bootstrap().group(group).channel(EpollSocketChannel.class)
          .handler(new ChannelInboundHandlerAdapter())
          .connect(server.localAddress()).sync().channel();
      Channel held = accepted.get(5, TimeUnit.SECONDS);
      ChannelReads reads = held.attr(ChannelReads.KEY).get();

      try {
        peer.config().setOption(TCP_REPAIR, 1);
      } catch (RuntimeException notPermitted) {
        assumeTrue(false, "TCP_REPAIR needs CAP_NET_ADMIN: " + notPermitted);
      }
      peer.close().sync(); // gone, and nothing told the other end

      // The budget's sweep looks at connections not being read once a second.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ChannelReads.PEER_PROBE_IDLE_SECONDS + 10);
      while (held.isOpen() && System.nanoTime() < deadline) {
        reads.checkPeerWhileNotRead();
        Thread.sleep(1000);
      }
      assertTrue(!held.isOpen(), "a connection whose peer vanished is still held: " + held);
      assertEquals(1L, budget.snapshot().get("overload.peer_probes_total"));
      server.close().sync();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }
}
