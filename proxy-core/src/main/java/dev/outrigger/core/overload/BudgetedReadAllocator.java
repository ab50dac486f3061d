package dev.outrigger.core.overload;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelConfig;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;

/**
 * Netty's adaptive read buffers (64 B to 64 KiB, sized by recent reads), with every byte read
 * added to the connection's account before it reaches the pipeline, smaller buffers while the
 * budget is saturated, and each read burst bounded. With automatic reads off, as here, Netty ends
 * a burst after one read; the bound ({@link BufferBudget#readBurstBytes()}) and the budget's say
 * also hold for the bursts epoll starts on its own (an error, a hang-up).
 */
final class BudgetedReadAllocator extends AdaptiveRecvByteBufAllocator {
  /** Netty's default for epoll stream channels; the byte bound ends a burst first. */
  private static final int MAX_READS_PER_BURST = 16;

  private final BufferBudget budget;
  private final ReadAccount account;
  private final ChannelReads reads;

  BudgetedReadAllocator(BufferBudget budget, ReadAccount account, ChannelReads reads) {
    this.budget = budget;
    this.account = account;
    this.reads = reads;
    maxMessagesPerRead(MAX_READS_PER_BURST);
  }

  @Override
  public Handle newHandle() {
    return new BurstHandle((ExtendedHandle) super.newHandle());
  }

  private final class BurstHandle implements ExtendedHandle {
    private final ExtendedHandle delegate;
    private long burstBytes;

    BurstHandle(ExtendedHandle delegate) {
      this.delegate = delegate;
    }

    @Override
    public ByteBuf allocate(ByteBufAllocator alloc) {
      return alloc.ioBuffer(guess());
    }

    @Override
    public int guess() {
      return budget.readBufferBytes(delegate.guess());
    }

    @Override
    public void reset(ChannelConfig config) {
      burstBytes = 0;
      reads.burstStarts();
      delegate.reset(config);
    }

    @Override
    public void incMessagesRead(int numMessages) {
      delegate.incMessagesRead(numMessages);
    }

    @Override
    public void lastBytesRead(int bytes) {
      delegate.lastBytesRead(bytes);
      if (bytes > 0) {
        burstBytes += bytes;
        account.add(bytes);
      }
    }

    @Override
    public int lastBytesRead() {
      return delegate.lastBytesRead();
    }

    @Override
    public void attemptedBytesRead(int bytes) {
      delegate.attemptedBytesRead(bytes);
    }

    @Override
    public int attemptedBytesRead() {
      return delegate.attemptedBytesRead();
    }

    @Override
    public boolean continueReading() {
      return delegate.continueReading() && budget.mayContinueBurst(account, burstBytes);
    }

    @Override
    public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
      return delegate.continueReading(maybeMoreDataSupplier) && budget.mayContinueBurst(account, burstBytes);
    }

    @Override
    public void readComplete() {
      delegate.readComplete();
    }
  }
}
