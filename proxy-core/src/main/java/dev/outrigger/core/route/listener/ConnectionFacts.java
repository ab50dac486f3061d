package dev.outrigger.core.route.listener;

import java.net.InetSocketAddress;
import java.util.Set;

/**
 * What is known of a connection when its filter chain is chosen.
 *
 * @param transportProtocol "tls" when a ClientHello was seen, else "raw_buffer"
 * @param applicationProtocols the ALPN offered, or the protocol detected in plaintext
 *     ("http/1.1", "http/1.0", "h2c"), empty for opaque bytes
 * @param serverName the SNI of a TLS ClientHello, lower case; "" when none was offered or read
 */
public record ConnectionFacts(InetSocketAddress destination, InetSocketAddress source, String transportProtocol,
    Set<String> applicationProtocols, String serverName) {
  public ConnectionFacts {
    applicationProtocols = Set.copyOf(applicationProtocols);
    serverName = serverName == null ? "" : serverName;
  }

  /** Facts of a connection that named no server (plaintext, or TLS without SNI). */
  public ConnectionFacts(InetSocketAddress destination, InetSocketAddress source, String transportProtocol,
      Set<String> applicationProtocols) {
    this(destination, source, transportProtocol, applicationProtocols, "");
  }
}
