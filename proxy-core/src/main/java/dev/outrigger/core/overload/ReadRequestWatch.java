package dev.outrigger.core.overload;

import dev.outrigger.core.listener.PipelineNames;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;

/**
 * Notes every read the protocol code asks for (it passes here on its way to the socket), so that
 * a read Netty starts on its own, for an error epoll reported, can be told apart.
 */
final class ReadRequestWatch extends ChannelOutboundHandlerAdapter {
  static final String NAME = PipelineNames.READ_REQUEST_WATCH;
  private final ChannelReads reads;

  ReadRequestWatch(ChannelReads reads) {
    this.reads = reads;
  }

  @Override
  public void read(ChannelHandlerContext ctx) {
    reads.readRequested();
    ctx.read();
  }
}
