package dev.outrigger.core.route;

import dev.outrigger.core.log.ResponseFlag;

/** What becomes of one accepted connection once its destination and protocol are known. */
public sealed interface ConnectionPlan {
  /** Relay its bytes to one endpoint (Envoy's tcp_proxy). */
  record Tcp(RouteDecision decision) implements ConnectionPlan {}

  /** Serve it as HTTP; each request is routed on its own (Envoy's http_connection_manager). */
  record Http(HttpRouter router) implements ConnectionPlan {}

  /**
   * Close it without connecting anywhere (no filter chain matched, a BlackHole cluster, no
   * healthy endpoint), logged with this flag.
   *
   * @param cluster the cluster it was meant for, or null
   */
  record Refuse(ResponseFlag flag, String cluster, String why) implements ConnectionPlan {}

  /**
   * Terminate the client's TLS (a filter chain with a DownstreamTlsContext: Istio's mTLS inbound
   * chains), then carry out {@code decrypted} (an {@link Http} or {@link Tcp} plan) on the
   * plaintext, whose protocol is detected again.
   *
   * @param handshakeTimeout how long the client has to finish its handshake, after which the
   *     connection is closed (Envoy's transport_socket_connect_timeout)
   */
  record TerminateTls(io.netty.handler.ssl.SslContext context, ConnectionPlan decrypted,
      java.time.Duration handshakeTimeout) implements ConnectionPlan {
    /**
     * 15 s, the transport_socket_connect_timeout Istio sets on its gateway listeners against slow
     * handshakes (PILOT_GATEWAY_TRANSPORT_SOCKET_CONNECT_TIMEOUT). A sidecar's inbound chains get
     * none from istiod, leaving only the 1 h idle timeout; a mesh client finishes in milliseconds,
     * so the gateway's bound costs nothing and keeps a stalled client from holding a connection.
     */
    public static final java.time.Duration DEFAULT_HANDSHAKE_TIMEOUT = java.time.Duration.ofSeconds(15);

    public TerminateTls(io.netty.handler.ssl.SslContext context, ConnectionPlan decrypted) {
      this(context, decrypted, DEFAULT_HANDSHAKE_TIMEOUT);
    }

    /**
     * TLS ends here under {@code policy}, then {@code decrypted} serves the plaintext; a refusal
     * stays a refusal, and a server context that cannot be built (no identity yet: Envoy's
     * SDS-not-ready socket) refuses the connection, NR, with {@code what} saying whose TLS it was.
     */
    public static ConnectionPlan orRefuse(dev.outrigger.core.tls.TlsContexts tls,
        dev.outrigger.core.tls.ServerTlsPolicy policy, ConnectionPlan decrypted, String what) {
      if (decrypted instanceof Refuse) {
        return decrypted;
      }
      try {
        return new TerminateTls(tls.server(policy), decrypted);
      } catch (javax.net.ssl.SSLException e) {
        return new Refuse(ResponseFlag.NO_ROUTE, null, what + " terminates TLS: " + e.getMessage());
      }
    }
  }
}
