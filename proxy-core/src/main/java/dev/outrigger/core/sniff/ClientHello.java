package dev.outrigger.core.sniff;

import java.util.List;

/**
 * What a TLS ClientHello tells before any handshake: the server name (SNI) the client asks for and
 * the application protocols (ALPN) it offers, as Envoy's tls_inspector reads them for filter-chain
 * matching. A hello that could not be read (truncated, malformed, too large) is {@link #UNREAD}:
 * still TLS, with nothing asked for.
 *
 * @param read whether the hello could be read at all
 * @param serverName the host_name of the server_name extension, lower case; "" when none
 * @param applicationProtocols the ALPN protocol names in the client's order; empty when none
 */
public record ClientHello(boolean read, String serverName, List<String> applicationProtocols) {
  public static final ClientHello UNREAD = new ClientHello(false, "", List.of());

  public ClientHello {
    applicationProtocols = List.copyOf(applicationProtocols);
  }
}
