package dev.outrigger.core.relay;

import dev.outrigger.core.listener.ConnectionLifecycle;
import dev.outrigger.core.log.AccessLog;
import dev.outrigger.core.log.AccessLogEntry;
import dev.outrigger.core.log.ConnectionRecord;
import dev.outrigger.core.log.ResponseFlag;
import dev.outrigger.core.overload.ReadGate;
import dev.outrigger.core.stats.Counter;
import dev.outrigger.core.tls.TlsFailureCounters;
import dev.outrigger.core.stats.ListenerStats;
import dev.outrigger.core.telemetry.Telemetry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.socket.DuplexChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * One client connection and the upstream connection opened for it: carries half-closes and resets
 * from one side to the other, and writes the access-log line when both are closed.
 *
 * <p>The upstream channel is registered on the downstream channel's event loop, so every method
 * here runs on that one thread and no field needs to be volatile.
 */
final class ProxiedConnection {
  private final Channel downstream;
  private Channel upstream;
  private final ConnectionRecord record;
  private final ListenerStats stats;
  private final AccessLog accessLog;
  private final Telemetry telemetry;
  private final ConnectionLifecycle lifecycle;
  private final Set<Side> inputShut = EnumSet.noneOf(Side.class);
  // Bytes the client sent before the upstream was connected. Reads are not requested until then,
  // but Netty's epoll transport still reads once when the peer half-closes (EPOLLRDHUP), so a
  // short request followed by FIN (echo ping | ncat) arrives here early.
  private final List<ByteBuf> early = new ArrayList<>(1);
  private final Set<Side> outputShut = EnumSet.noneOf(Side.class);
  private boolean aborted;
  private boolean finished;

  ProxiedConnection(Channel downstream, ConnectionRecord record, ListenerStats stats, AccessLog accessLog,
      Telemetry telemetry) {
    this.downstream = downstream;
    this.record = record;
    this.stats = stats;
    this.accessLog = accessLog;
    this.telemetry = telemetry;
    this.lifecycle = ConnectionLifecycle.of(downstream);
    lifecycle.hold(); // until this connection's access-log line is written
    downstream.closeFuture().addListener((ChannelFutureListener) f -> closed(Side.DOWNSTREAM));
  }

  ConnectionRecord record() {
    return record;
  }

  Channel channel(Side side) {
    return side == Side.DOWNSTREAM ? downstream : upstream;
  }

  void upstreamConnected(Channel channel) {
    upstream = channel;
    record.upstreamLocal((InetSocketAddress) channel.localAddress());
    channel.closeFuture().addListener((ChannelFutureListener) f -> closed(Side.UPSTREAM));
    if (aborted || !downstream.isActive()) {
      releaseEarly();
      channel.close(); // the client left while we were connecting
      return;
    }
    early.forEach(bytes -> channel.write(bytes, channel.voidPromise()));
    early.clear();
    channel.flush();
    if (inputShut.contains(Side.DOWNSTREAM)) {
      inputShutdown(Side.DOWNSTREAM);
    } else {
      ReadGate.read(downstream, channel);
    }
    ReadGate.read(channel, downstream);
  }

  /** Passes bytes read on {@code from} to the other side. */
  void forward(Side from, ByteBuf bytes) {
    countRead(from, bytes.readableBytes());
    Channel peer = channel(from.other());
    if (peer == null && !aborted) {
      early.add(bytes);
    } else if (peer != null && peer.isActive()) {
      peer.write(bytes, peer.voidPromise());
    } else {
      bytes.release();
    }
  }

  private void releaseEarly() {
    early.forEach(ByteBuf::release);
    early.clear();
  }

  /** The access log's counts; the listener's byte counters are kept by the accepted pipeline. */
  private void countRead(Side side, int bytes) {
    if (side == Side.DOWNSTREAM) {
      record.received(bytes);
    } else {
      record.sent(bytes);
    }
  }

  /** {@code side} sent FIN: once everything it sent is written, pass the FIN to the other side. */
  void inputShutdown(Side side) {
    inputShut.add(side);
    Channel peer = channel(side.other());
    if (aborted || peer == null) {
      return; // not connected yet: upstreamConnected() passes the FIN on
    }
    // Writes complete in order, so this empty write completes after all the data before it.
    peer.writeAndFlush(Unpooled.EMPTY_BUFFER)
        .addListener((ChannelFutureListener) f -> {
          if (f.isSuccess() && peer instanceof DuplexChannel) {
            ((DuplexChannel) peer).shutdownOutput().addListener((ChannelFutureListener) s -> outputShutdown(side.other()));
          }
        });
    closeIfDone(side);
  }

  private void outputShutdown(Side side) {
    outputShut.add(side);
    closeIfDone(side);
  }

  private void closeIfDone(Side side) {
    if (inputShut.contains(side) && outputShut.contains(side)) {
      channel(side).close();
    }
  }

  /** {@code side} failed (reset, broken pipe, or a bug): reset the other side and close both. */
  void abort(Side side, Throwable cause) {
    if (aborted || finished) {
      return;
    }
    aborted = true;
    boolean upstreamFailed = side == Side.UPSTREAM;
    stats.increment(upstreamFailed ? Counter.UPSTREAM_CX_RESET : Counter.DOWNSTREAM_CX_RESET);
    record.flag(upstreamFailed ? ResponseFlag.UPSTREAM_REMOTE_RESET : ResponseFlag.DOWNSTREAM_CONNECTION_TERMINATION);
    DegradedLog.log(side == Side.UPSTREAM ? "upstream reset" : "downstream reset", record, cause);
    Channel peer = channel(side.other());
    if (peer != null) {
      Resets.reset(peer);
    }
    channel(side).close();
  }

  /** The upstream could not be reached: reset the client, as Envoy's tcp_proxy does in seed 004. */
  void upstreamFailed(Counter counter, Throwable cause) {
    aborted = true;
    stats.increment(counter);
    TlsFailureCounters.of(cause).forEach(stats::increment);
    record.flag(ResponseFlag.UPSTREAM_CONNECTION_FAILURE);
    record.transportFailureReason(TransportFailures.reason(cause));
    DegradedLog.log("upstream connect failed", record, cause);
    Resets.reset(downstream);
  }

  /** Refuse a connection that has nowhere to go (a loop, or no original destination). */
  void refuse(Counter counter, String reason, Throwable cause) {
    aborted = true;
    stats.increment(counter);
    record.flag(ResponseFlag.NO_ROUTE);
    DegradedLog.log(reason, record, cause);
    Resets.reset(downstream);
  }

  /** Closes a connection the routing sends nowhere (Envoy's tcp_proxy closes it without a reset). */
  void refuse(ResponseFlag flag, String cluster, String reason) {
    aborted = true;
    stats.increment(Counter.DOWNSTREAM_CX_NOT_ROUTED);
    record.upstream(null, cluster);
    record.flag(flag);
    DegradedLog.log(reason, record, null);
    downstream.close();
  }

  void idleTimeout() {
    stats.increment(Counter.IDLE_TIMEOUT);
    DegradedLog.log("idle timeout", record, null);
    downstream.close();
  }

  private void closed(Side side) {
    releaseEarly();
    Channel other = channel(side.other());
    if (other != null && other.isOpen()) {
      if (aborted) {
        Resets.reset(other);
      } else if (!(inputShut.contains(side) && outputShut.contains(side))) {
        other.close(); // idle timeout or drain cut this side: a plain close (FIN) for the other
      }
      // Otherwise this side ended cleanly, both ways. The other side may still be writing what
      // it has queued, followed by its FIN; it closes itself when that is done (closeIfDone).
      return; // finish when the other side's close completes
    }
    if (!finished) {
      finished = true;
      record.finish();
      AccessLogEntry entry = record.toEntry(stats.direction());
      accessLog.write(entry);
      telemetry.tcpClosed(entry);
      lifecycle.release();
    }
  }
}
