package dev.outrigger.core.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SockoptOriginalDestinationTest {
  @Test
  void decodesSockaddrIn() {
    // AF_INET=2 (host order), port 8080 (network order), 10.244.2.4
    byte[] raw = {2, 0, 0x1f, (byte) 0x90, 10, (byte) 244, 2, 4, 0, 0, 0, 0, 0, 0, 0, 0};
    assertEquals(new InetSocketAddress("10.244.2.4", 8080), Sockaddr.decode(ByteBuffer.wrap(raw)));
  }

  @Test
  void decodesSockaddrIn6() {
    byte[] raw = new byte[28];
    raw[0] = 10; // AF_INET6
    raw[3] = 80;
    raw[8] = (byte) 0xfd;
    raw[23] = 4;
    assertEquals(new InetSocketAddress("fd00::4", 80), Sockaddr.decode(ByteBuffer.wrap(raw)));
  }

  @Test
  void rejectsOtherFamiliesAndShortAnswers() {
    assertThrows(IllegalArgumentException.class, () -> Sockaddr.decode(ByteBuffer.allocate(16)));
    byte[] truncatedIn6 = new byte[16];
    truncatedIn6[0] = 10;
    assertThrows(IllegalArgumentException.class, () -> Sockaddr.decode(ByteBuffer.wrap(truncatedIn6)));
  }

  @Test
  void aChannelWithoutDescriptorIsRefused() {
    IOException e = assertThrows(IOException.class,
        () -> new SockoptOriginalDestination().lookup(new EmbeddedChannel()));
    assertTrue(e.getMessage().contains("not a native socket"), e.getMessage());
  }

  /**
   * A real accepted socket that iptables did not redirect. With conntrack loaded, the kernel answers
   * with the connection's own destination (the tuple was never rewritten); without it, with ENOENT
   * or ENOPROTOOPT.
   */
  @Test
  void aConnectionThatWasNotRedirectedReadsItsOwnDestination() throws Exception {
    withAcceptedSocket((accepted, server) -> {
      try {
        assertEquals(server, new SockoptOriginalDestination().lookup(accepted).address());
      } catch (IOException noConntrack) {
        assertTrue(noConntrack.getMessage().matches(".*(No such file or directory|Protocol not available).*"),
            noConntrack.getMessage());
      }
    });
  }

  @Test
  void aFailedCallCarriesTheKernelsReason() throws Exception {
    withAcceptedSocket((accepted, server) -> {
      // The IPv6 table asked about an IPv4 connection: the kernel has no such record (ENOENT).
      IOException e = assertThrows(IOException.class,
          () -> SockoptOriginalDestination.read(accepted, SockoptOriginalDestination.IPV6));
      assertEquals("getsockopt(IP6T_SO_ORIGINAL_DST) failed: getsockopt() failed: No such file or directory",
          e.getMessage());
    });
  }

  @Test
  void aClosedSocketIsAnIoErrorNotACrash() throws Exception {
    withAcceptedSocket((accepted, server) -> {
      accepted.close().syncUninterruptibly();
      IOException e = assertThrows(IOException.class, () -> new SockoptOriginalDestination().lookup(accepted));
      assertTrue(e.getMessage().contains("ClosedChannelException"), e.getMessage());
    });
  }

  private interface AcceptedCheck {
    void check(EpollSocketChannel accepted, InetSocketAddress server) throws Exception;
  }

  private static void withAcceptedSocket(AcceptedCheck check) throws Exception {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    try {
      CompletableFuture<EpollSocketChannel> accepted = new CompletableFuture<>();
      Channel server = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
          .childHandler(new ChannelInitializer<EpollSocketChannel>() {
            @Override
            protected void initChannel(EpollSocketChannel channel) {
              accepted.complete(channel);
            }
          })
          .bind("127.0.0.1", 0).sync().channel();
      Channel client = new Bootstrap().group(group).channel(EpollSocketChannel.class)
          .handler(new ChannelInboundHandlerAdapter())
          .connect(server.localAddress()).sync().channel();
      check.check(accepted.get(5, TimeUnit.SECONDS), (InetSocketAddress) server.localAddress());
      client.close().sync();
      server.close().sync();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }
}
