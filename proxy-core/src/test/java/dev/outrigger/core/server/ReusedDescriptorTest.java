package dev.outrigger.core.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Epoll reports events by descriptor number. When handling one event of a batch closes a
 * connection and opens another (a retry's connect, a relay's upstream), the new socket gets the
 * number just freed, and the closed connection's own event later in the same batch was delivered
 * to the new one: a reset meant for the old connection closed the new one while it was still
 * connecting (503 UF, StacklessClosedChannelException, in RetryTest under load).
 */
class ReusedDescriptorTest {
  @Test
  void anEventOfAClosedConnectionDoesNotReachTheConnectionThatReusesItsDescriptor() throws Exception {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, HalfClosedEpollFix.epoll());
    InetAddress loopback = InetAddress.getLoopbackAddress();
    List<Channel> fillers = new ArrayList<>();
    List<Socket> queued = new ArrayList<>();
    try (ServerSocket peers = new ServerSocket(0, 10, loopback);
        ServerSocket full = new ServerSocket(0, 1, loopback)) {
      // A listener whose accept queue is full: a connect to it stays in progress (SYNs dropped).
      for (int i = 0; i < 4; i++) {
        Socket s = new Socket();
        queued.add(s);
        try {
          s.connect(full.getLocalSocketAddress(), 200);
        } catch (java.io.IOException queueFull) {
          break;
        }
      }
      // Fill the gaps below the descriptors to come, so that the next socket gets the lowest free one.
      for (int i = 0; i < 64; i++) {
        EpollSocketChannel filler = new EpollSocketChannel();
        fillers.add(filler);
      }

      CompletableFuture<ChannelFuture> retry = new CompletableFuture<>();
      Channel[] old = new Channel[1];
      Channel trigger = new Bootstrap().group(group).channel(EpollSocketChannel.class)
          .handler(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
              io.netty.util.ReferenceCountUtil.release(msg);
              if (retry.isDone()) {
                return;
              }
              // As a failed attempt's end and its retry: close one connection, open another.
              old[0].close();
              retry.complete(new Bootstrap().group(ctx.channel().eventLoop()).channel(EpollSocketChannel.class)
                  .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                  .handler(new ChannelInboundHandlerAdapter())
                  .connect(full.getLocalSocketAddress()));
            }
          })
          .connect(peers.getLocalSocketAddress()).sync().channel();
      Socket triggerPeer = peers.accept();
      old[0] = new Bootstrap().group(group).channel(EpollSocketChannel.class)
          .handler(new ChannelInboundHandlerAdapter() {
            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
              ctx.close();
            }
          })
          .connect(peers.getLocalSocketAddress()).sync().channel();
      Socket oldPeer = peers.accept();
      int oldDescriptor = ((EpollSocketChannel) old[0]).fd().intValue();

      // Both events wait for one turn of the event loop: the trigger's bytes first, then the old
      // connection's reset.
      CountDownLatch held = new CountDownLatch(1);
      group.next().execute(() -> {
        held.countDown();
        sleep(300);
      });
      assertTrue(held.await(5, TimeUnit.SECONDS));
      OutputStream out = triggerPeer.getOutputStream();
      out.write('x');
      out.flush();
      sleep(50);
      oldPeer.setSoLinger(true, 0);
      oldPeer.close();

      ChannelFuture connect = retry.get(5, TimeUnit.SECONDS);
      EpollSocketChannel fresh = (EpollSocketChannel) connect.channel();
      sleep(500);
      assertEquals(oldDescriptor, fresh.fd().intValue(), "the new socket did not reuse the descriptor; nothing tested");
      assertTrue(fresh.isOpen(), "the old connection's reset closed the new one: " + connect.cause());
      connect.channel().close().sync();
      trigger.close().sync();
      triggerPeer.close();
    } finally {
      for (Channel filler : fillers) {
        filler.unsafe().closeForcibly();
      }
      for (Socket s : queued) {
        s.close();
      }
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
