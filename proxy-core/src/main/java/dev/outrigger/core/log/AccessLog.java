package dev.outrigger.core.log;

import io.netty.util.NetUtil;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * One line per connection or request, in the chosen format, handed to a {@link LineSink} (the
 * agent's is a {@link BufferedLineWriter} on stdout). It does not go through the application
 * logger: its own switch, no level, and no per-line hand-off to another thread.
 */
public final class AccessLog {
  /** One line's text per thread: the sink copies it, so the builder is reused for the next line. */
  private static final FastThreadLocal<StringBuilder> SCRATCH = new FastThreadLocal<>() {
    @Override
    protected StringBuilder initialValue() {
      return new StringBuilder(512);
    }
  };

  private final boolean enabled;
  private final AccessLogFormat format;
  private final LineSink sink;

  public AccessLog(boolean enabled, AccessLogFormat format, LineSink sink) {
    this.enabled = enabled;
    this.format = format;
    this.sink = sink;
  }

  public AccessLog(LineSink sink) {
    this(true, new TextAccessLogFormat(), sink);
  }

  public void write(AccessLogEntry entry) {
    if (enabled) {
      StringBuilder line = SCRATCH.get();
      line.setLength(0);
      format.appendTo(line, entry);
      sink.accept(line);
    }
  }

  /** Envoy's address text, appended without building intermediate strings for IPv4. */
  public static StringBuilder appendAddress(StringBuilder b, InetSocketAddress a) {
    if (a == null) {
      return b.append('-');
    }
    InetAddress ip = a.getAddress();
    if (ip instanceof Inet4Address) {
      byte[] octets = ip.getAddress();
      b.append(octets[0] & 0xff).append('.').append(octets[1] & 0xff).append('.')
          .append(octets[2] & 0xff).append('.').append(octets[3] & 0xff);
    } else {
      b.append('[').append(NetUtil.toAddressString(ip)).append(']');
    }
    return b.append(':').append(a.getPort());
  }

  /** Envoy's address text: RFC 5952 IPv6 (fd00::4, not fd00:0:0:0:0:0:0:4) in brackets. */
  public static String address(InetSocketAddress a) {
    return appendAddress(new StringBuilder(24), a).toString();
  }
}
