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
   */
  record TerminateTls(io.netty.handler.ssl.SslContext context, ConnectionPlan decrypted) implements ConnectionPlan {}
}
