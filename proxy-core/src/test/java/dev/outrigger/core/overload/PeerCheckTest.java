package dev.outrigger.core.overload;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.core.server.HalfClosedEpollFix;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import org.junit.jupiter.api.Test;

/**
 * The sweep's check of connections not being read: a socket that is not connected yet is in
 * TCP_CLOSE like one its peer reset, and must be left alone, or a connect in progress fails.
 */
class PeerCheckTest {
  @Test
  void aSocketNotConnectedYetIsNotTakenForAResetOne() throws Exception {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, HalfClosedEpollFix.epoll());
    try {
      EpollSocketChannel channel = new EpollSocketChannel();
      channel.pipeline().addLast(new ChannelInboundHandlerAdapter());
      group.register(channel).sync();
      ChannelReads reads = ChannelReads.install(channel, new BufferBudget(OverloadSettings.defaults()));
      reads.checkPeerWhileNotRead();
      channel.eventLoop().submit(() -> { }).sync(); // the check ran on the event loop
      assertTrue(channel.isOpen(), "a socket that is still to connect was closed as reset");
      channel.close().sync();
    } finally {
      group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
    }
  }
}
