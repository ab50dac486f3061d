package dev.outrigger.core.log;

import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one line per connection or request through the {@value #LOGGER_NAME} logger, which the
 * agent routes asynchronously to stdout, in the chosen format.
 */
public final class AccessLog {
  public static final String LOGGER_NAME = "outrigger.access";

  private final Logger logger = LoggerFactory.getLogger(LOGGER_NAME);
  private final boolean enabled;
  private final AccessLogFormat format;

  public AccessLog(boolean enabled, AccessLogFormat format) {
    this.enabled = enabled;
    this.format = format;
  }

  public AccessLog(boolean enabled) {
    this(enabled, new TextAccessLogFormat());
  }

  public void write(AccessLogEntry entry) {
    if (enabled && logger.isInfoEnabled()) {
      logger.info(format.format(entry));
    }
  }

  /** Envoy's address text: RFC 5952 IPv6 (fd00::4, not fd00:0:0:0:0:0:0:4) in brackets. */
  public static String address(InetSocketAddress a) {
    if (a == null) {
      return "-";
    }
    String host = NetUtil.toAddressString(a.getAddress());
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
  }
}
