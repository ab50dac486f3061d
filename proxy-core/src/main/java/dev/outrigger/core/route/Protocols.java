package dev.outrigger.core.route;

import dev.outrigger.core.route.listener.ConnectionFacts;
import java.util.Set;

/** The application protocol names detection reports (Envoy's http_inspector: "http/1.1", "h2c"). */
public final class Protocols {
  public static final String HTTP1 = "http/1.1";
  public static final String HTTP10 = "http/1.0";
  public static final String H2C = "h2c";

  private Protocols() {}

  /**
   * Whether detection found the connection to speak plaintext HTTP. For TLS the application
   * protocols are the ALPN the client offers inside the ClientHello, which this proxy relays
   * without terminating, so a TLS connection is never HTTP here.
   */
  public static boolean isHttp(ConnectionFacts facts) {
    if (!"raw_buffer".equals(facts.transportProtocol())) {
      return false;
    }
    Set<String> offered = facts.applicationProtocols();
    return offered.contains(HTTP1) || offered.contains(HTTP10) || offered.contains(H2C);
  }
}
