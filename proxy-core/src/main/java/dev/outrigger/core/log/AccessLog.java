package dev.outrigger.core.log;

import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one line per connection in Istio's default text format (pilot telemetry_logging.go), as a
 * TCP connection shows it: {@code "- - -"}, response code 0, bytes, duration, upstream host and
 * cluster, then upstream local, downstream local and downstream remote addresses.
 */
public final class AccessLog {
  /** The logger name the agent's logback configuration routes, asynchronously, to stdout. */
  public static final String LOGGER_NAME = "outrigger.access";

  private static final DateTimeFormatter START_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private final Logger logger = LoggerFactory.getLogger(LOGGER_NAME);
  private final boolean enabled;

  public AccessLog(boolean enabled) {
    this.enabled = enabled;
  }

  public void write(ConnectionRecord r) {
    if (enabled && logger.isInfoEnabled()) {
      logger.info(format(r));
    }
  }

  static String format(ConnectionRecord r) {
    StringBuilder b = new StringBuilder(256);
    b.append('[').append(START_TIME.format(r.start)).append("] \"- - -\" 0 ");
    b.append(r.flag.code()).append(" - - \"-\" ");
    b.append(r.bytesReceived).append(' ').append(r.bytesSent).append(' ').append(r.durationMillis);
    b.append(" - \"-\" \"-\" \"-\" \"-\" \"").append(address(r.upstreamHost)).append("\" ");
    b.append(r.cluster == null ? "-" : r.cluster).append(' ');
    b.append(address(r.upstreamLocal)).append(' ');
    b.append(address(r.downstreamLocal)).append(' ');
    b.append(address(r.downstreamRemote)).append(" - -");
    return b.toString();
  }

  static String address(InetSocketAddress a) {
    if (a == null) {
      return "-";
    }
    // RFC 5952 text (fd00::4, not fd00:0:0:0:0:0:0:4), as Envoy prints addresses.
    String host = NetUtil.toAddressString(a.getAddress());
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
  }
}
