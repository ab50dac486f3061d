package dev.outrigger.core.relay;

import dev.outrigger.core.ListenerContext;
import dev.outrigger.core.log.ConnectionRecord;
import dev.outrigger.core.sniff.SniffHandler;
import dev.outrigger.core.stats.Counter;
import io.netty.channel.ChannelHandlerContext;

/** The counters and log lines of a connection whose protocol was not detected in time. */
final class SniffExpiry implements SniffHandler.Expiry {
  private final ConnectionRecord record;
  private final ListenerContext context;

  SniffExpiry(ConnectionRecord record, ListenerContext context) {
    this.record = record;
    this.context = context;
  }

  @Override
  public void detectionTimedOut(ChannelHandlerContext ctx) {
    context.stats().increment(Counter.DOWNSTREAM_PRE_CX_TIMEOUT);
    DegradedLog.log("protocol detection timeout, relaying as TCP", record, null);
  }

  /** As Envoy closes a connection still in its listener filters: no upstream, no access-log line. */
  @Override
  public void idle(ChannelHandlerContext ctx) {
    context.stats().increment(Counter.DOWNSTREAM_CX_IDLE_TIMEOUT);
    DegradedLog.log("idle timeout before the protocol was detected", record, null);
    ctx.close();
  }
}
