package dev.outrigger.core.telemetry;

import dev.outrigger.core.Direction;
import dev.outrigger.core.log.AccessLogEntry;
import dev.outrigger.core.log.ConnectionRecord;
import dev.outrigger.core.peer.MetadataExchange;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;

/**
 * Where the data path reports what it carried, for metrics. Called on event loops: implementations
 * must be quick and must not block.
 */
public interface Telemetry {
  /** A connection is relayed at L4 to {@code originalDestination}. */
  void tcpOpened(Direction direction, InetSocketAddress originalDestination);

  /**
   * Like {@link #tcpOpened(Direction, InetSocketAddress)}, with the connection's live record and its
   * event loop, so that an implementation can report a long connection's bytes while it lasts (Istio
   * does every 5s), reading the record on that loop only. The default reports the opening alone.
   */
  default void tcpOpened(Direction direction, ConnectionRecord record, EventLoop loop) {
    tcpOpened(direction, record.originalDestination());
  }

  /** An L4 connection ended; {@code entry} holds its bytes, flags and addresses. */
  void tcpClosed(AccessLogEntry entry);

  /** An HTTP request completed (or failed with a local reply). */
  void httpRequest(AccessLogEntry entry);

  /**
   * Istio's HTTP metadata exchange, which feeds the peer's workload labels: this proxy's values and
   * the reading of a peer's. Off by default (nothing sent, nothing read).
   */
  default MetadataExchange metadataExchange() {
    return MetadataExchange.OFF;
  }

  /** Reports nothing. */
  Telemetry NONE = new Telemetry() {
    @Override
    public void tcpOpened(Direction direction, InetSocketAddress originalDestination) {}

    @Override
    public void tcpClosed(AccessLogEntry entry) {}

    @Override
    public void httpRequest(AccessLogEntry entry) {}
  };
}
