package dev.outrigger.core.route.listener;

import dev.outrigger.core.net.ClientAddress;
import dev.outrigger.core.net.OriginalDestination;
import java.util.Set;

/**
 * What is known of a connection when its filter chain is chosen.
 *
 * @param destination where the client meant to go
 * @param source the client
 * @param transportProtocol "tls" when a ClientHello was seen, else "raw_buffer"
 * @param applicationProtocols the ALPN offered, or the protocol detected in plaintext
 *     ("http/1.1", "http/1.0", "h2c"), empty for opaque bytes
 * @param serverName the SNI of a TLS ClientHello, lower case; "" when none was offered or read
 */
public record ConnectionFacts(OriginalDestination destination, ClientAddress source, String transportProtocol,
    Set<String> applicationProtocols, String serverName) {
  public ConnectionFacts {
    applicationProtocols = Set.copyOf(applicationProtocols);
    serverName = serverName == null ? "" : serverName;
  }

  /** Facts of a connection that named no server (plaintext, or TLS without SNI). */
  public ConnectionFacts(OriginalDestination destination, ClientAddress source, String transportProtocol,
      Set<String> applicationProtocols) {
    this(destination, source, transportProtocol, applicationProtocols, "");
  }
}
