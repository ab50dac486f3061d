package dev.outrigger.core.tls;

import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.internal.tcnative.SSL;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets an Istio SNI ({@code outbound_.8080_._.reviews.default.svc.cluster.local}) on a client engine.
 * Both Netty's engine and the JDK refuse a server name with underscores (they check it as a DNS
 * host name), so BoringSSL is given it directly, as Envoy does (SSL_set_tlsext_host_name takes any
 * name). The JDK provider cannot send it: logged once, and the server then sees no SNI (an Istio
 * server sidecar still accepts; only SNI-routing gateways need it).
 */
final class ServerNameIndication {
  private static final Logger log = LoggerFactory.getLogger(ServerNameIndication.class);
  private static final AtomicBoolean warned = new AtomicBoolean();

  private ServerNameIndication() {}

  static void set(SSLEngine engine, String serverName) {
    if (engine instanceof ReferenceCountedOpenSslEngine openssl) {
      SSL.setTlsExtHostName(openssl.sslPointer(), serverName);
    } else if (warned.compareAndSet(false, true)) {
      log.warn("TLS on the JDK provider sends no SNI for Istio's cluster names ({}): BoringSSL is unavailable", serverName);
    }
  }
}
