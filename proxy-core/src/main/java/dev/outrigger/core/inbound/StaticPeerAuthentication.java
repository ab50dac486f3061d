package dev.outrigger.core.inbound;

import dev.outrigger.core.route.listener.ConnectionFacts;
import dev.outrigger.core.tls.PeerAuthenticationMode;
import java.util.List;
import java.util.Set;

/**
 * The filter chains istiod would give the inbound listener for a PeerAuthentication mode
 * (pilot/pkg/networking/core/filterchain_options.go), for a proxy without istiod: which chain
 * takes a connection, by its transport and offered ALPN.
 * <ul>
 *   <li>STRICT: only TLS chains. TLS offering an Istio HTTP ALPN is mTLS HTTP, any other TLS mTLS
 *       TCP; plaintext matches nothing and is closed.
 *   <li>PERMISSIVE: mTLS HTTP on the Istio HTTP ALPNs, mTLS TCP on {@code istio} and
 *       {@code istio-peer-exchange}, other TLS (the app's own) passed through as TCP, plaintext
 *       served.
 *   <li>DISABLE: everything as it came.
 * </ul>
 */
public final class StaticPeerAuthentication {
  /** What the client sidecar offers for HTTP (Istio's mtlsHTTPALPNs). */
  static final Set<String> MTLS_HTTP_ALPNS = Set.of("istio-http/1.0", "istio-http/1.1", "istio-h2");
  /** What it offers for TCP (mtlsTCPWithMxcALPNs). */
  static final Set<String> MTLS_TCP_ALPNS = Set.of("istio", "istio-peer-exchange");
  /**
   * What the server side selects from (Istio's inbound DownstreamTlsContext); Istio adds
   * istio-peer-exchange on TCP chains, never offered here: its metadata frame is not implemented.
   */
  static final List<String> SERVER_ALPNS = List.of("h2", "http/1.1");

  /** The chain a connection takes. */
  public enum Chain {
    /** Terminate mTLS, then serve HTTP. */
    MTLS_HTTP,
    /** Terminate mTLS, then relay bytes. */
    MTLS_TCP,
    /** As without mTLS: detected HTTP served, other bytes (TLS included) relayed. */
    AS_IS,
    /** No chain matches (STRICT and not TLS): closed. */
    NONE
  }

  private final PeerAuthenticationMode mode;

  public StaticPeerAuthentication(PeerAuthenticationMode mode) {
    this.mode = mode;
  }

  public PeerAuthenticationMode mode() {
    return mode;
  }

  public Chain choose(ConnectionFacts facts) {
    if (mode == PeerAuthenticationMode.DISABLE) {
      return Chain.AS_IS;
    }
    boolean tls = "tls".equals(facts.transportProtocol());
    Set<String> offered = facts.applicationProtocols();
    boolean meshHttp = offered.stream().anyMatch(MTLS_HTTP_ALPNS::contains);
    if (mode == PeerAuthenticationMode.STRICT) {
      return !tls ? Chain.NONE : meshHttp ? Chain.MTLS_HTTP : Chain.MTLS_TCP;
    }
    if (!tls) {
      return Chain.AS_IS;
    }
    if (meshHttp) {
      return Chain.MTLS_HTTP;
    }
    return offered.stream().anyMatch(MTLS_TCP_ALPNS::contains) ? Chain.MTLS_TCP : Chain.AS_IS;
  }
}
