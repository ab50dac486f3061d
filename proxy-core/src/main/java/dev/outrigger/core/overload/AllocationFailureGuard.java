package dev.outrigger.core.overload;

import dev.outrigger.core.listener.PipelineNames;
import dev.outrigger.core.relay.Resets;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * First handler of every connection: when a buffer could not be allocated for it (direct memory
 * exhausted: an {@link OutOfMemoryError} from a read or a codec), that one connection is reset,
 * with a log line and a counter. Netty would otherwise shut its input as if the peer had sent FIN
 * and, for a handler that does not close, read it again: a retry loop on the event loop.
 */
@ChannelHandler.Sharable
final class AllocationFailureGuard extends ChannelInboundHandlerAdapter {
  static final String NAME = PipelineNames.ALLOCATION_GUARD;
  private final BufferBudget budget;

  AllocationFailureGuard(BufferBudget budget) {
    this.budget = budget;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!(cause instanceof OutOfMemoryError)) {
      ctx.fireExceptionCaught(cause);
      return;
    }
    budget.allocationFailed(ctx.channel().toString(), cause);
    ctx.fireExceptionCaught(cause); // the protocol code resets the peer and records the failure
    Resets.reset(ctx.channel());
  }
}
