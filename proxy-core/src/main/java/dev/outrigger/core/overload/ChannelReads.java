package dev.outrigger.core.overload;

import dev.outrigger.core.relay.Resets;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.util.AttributeKey;

/**
 * The reads of one channel under a {@link BufferBudget}: its account, its read requests (each
 * one looks at the peer's queue first), and what the budget's sweep asks of it.
 */
final class ChannelReads implements ReadAccount.Reader {
  static final AttributeKey<ChannelReads> KEY = AttributeKey.valueOf(ChannelReads.class, "reads");

  private final Channel channel;
  private final BufferBudget budget;
  private final ReadAccount account;
  // Written on the channel's event loop, read by the sweep.
  private volatile Channel peer;

  private ChannelReads(Channel channel, BufferBudget budget) {
    this.channel = channel;
    this.budget = budget;
    this.account = budget.open(this);
  }

  /** Puts a new channel's reads under the budget; before its first read. */
  static ChannelReads install(Channel channel, BufferBudget budget) {
    ChannelReads reads = new ChannelReads(channel, budget);
    channel.attr(KEY).set(reads);
    channel.config().setRecvByteBufAllocator(new BudgetedReadAllocator(budget, reads.account));
    channel.closeFuture().addListener((ChannelFutureListener) f -> budget.close(reads.account));
    return reads;
  }

  /** A read request from the protocol code, on the channel's event loop: read now, or pause. */
  void read(Channel peer) {
    this.peer = peer;
    account.set(queuedOn(peer));
    if (budget.mayRead(account)) {
      account.unpause();
      channel.read();
    } else if (account.pause()) {
      budget.paused(channel.toString());
    }
  }

  @Override
  public long queued() {
    Channel p = peer;
    return p == null ? -1 : queuedOn(p);
  }

  @Override
  public void resume() {
    channel.eventLoop().execute(() -> {
      if (account.paused() && channel.isActive()) {
        read(peer);
      }
    });
  }

  @Override
  public void reset() {
    channel.eventLoop().execute(() -> {
      if (!channel.isOpen()) {
        return; // closed since the sweep chose it (its peer's reset, say): nothing left to free
      }
      // The protocol code sees a failed connection (flags, counters, its own resets), then both
      // sides go with a RST, which frees what their queues hold.
      channel.pipeline().fireExceptionCaught(new BufferBudgetExhaustedException());
      Channel p = peer;
      if (p != null) {
        Resets.reset(p);
      }
      Resets.reset(channel);
    });
  }

  /** Bytes written to {@code peer} and not yet taken by its socket (0 once it is closed). */
  private static long queuedOn(Channel peer) {
    if (peer == null) {
      return 0;
    }
    ChannelOutboundBuffer queue = peer.unsafe().outboundBuffer();
    return queue == null ? 0 : queue.totalPendingWriteBytes();
  }
}
