package dev.outrigger.core.telemetry;

import dev.outrigger.core.Direction;
import dev.outrigger.core.log.AccessLogEntry;
import java.net.InetSocketAddress;

/**
 * Where the data path reports what it carried, for metrics. Called on event loops: implementations
 * must be quick and must not block.
 */
public interface Telemetry {
  /** A connection is relayed at L4 to {@code originalDestination}. */
  void tcpOpened(Direction direction, InetSocketAddress originalDestination);

  /** An L4 connection ended; {@code entry} holds its bytes, flags and addresses. */
  void tcpClosed(AccessLogEntry entry);

  /** An HTTP request completed (or failed with a local reply). */
  void httpRequest(AccessLogEntry entry);

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
