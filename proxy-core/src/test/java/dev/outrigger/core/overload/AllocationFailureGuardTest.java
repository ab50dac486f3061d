package dev.outrigger.core.overload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.internal.OutOfDirectMemoryError;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AllocationFailureGuardTest {
  private final BufferBudget budget = new BufferBudget(new OverloadSettings(8 * 1024 * 1024, 64 * 1024));
  private final List<Throwable> seenByProtocol = new ArrayList<>();
  private final EmbeddedChannel channel = new EmbeddedChannel(new AllocationFailureGuard(budget),
      new ChannelInboundHandlerAdapter() {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
          seenByProtocol.add(cause); // a handler that records the failure and does not close
        }
      });

  @Test
  void anAllocationFailureResetsThatConnectionOnceCountedAndPassedOn() throws Exception {
    OutOfMemoryError failure = newOutOfDirectMemory();
    channel.pipeline().fireExceptionCaught(failure);
    assertFalse(channel.isOpen(), "reset even though the protocol handler did not close it");
    assertEquals(List.of(failure), seenByProtocol);
    assertEquals(1L, budget.snapshot().get("overload.alloc_failures_total"));
  }

  @Test
  void otherFailuresAreOnlyPassedOn() {
    IOException reset = new IOException("Connection reset by peer");
    channel.pipeline().fireExceptionCaught(reset);
    assertSame(reset, seenByProtocol.get(0));
    assertEquals(0L, budget.snapshot().get("overload.alloc_failures_total"));
    channel.finishAndReleaseAll();
  }

  private static OutOfMemoryError newOutOfDirectMemory() throws Exception {
    var constructor = OutOfDirectMemoryError.class.getDeclaredConstructor(String.class);
    constructor.setAccessible(true);
    return constructor.newInstance("failed to allocate 65536 byte(s) of direct memory");
  }
}
