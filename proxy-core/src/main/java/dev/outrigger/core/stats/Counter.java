package dev.outrigger.core.stats;

import java.util.Locale;

/** Per-listener counters, named as in /stats (after Envoy's listener and cluster stats). */
public enum Counter {
  DOWNSTREAM_CX_TOTAL,
  /** A gauge: connections accepted and not yet closed. */
  DOWNSTREAM_CX_ACTIVE,
  /** Refused: the original destination was one of our own listeners. */
  DOWNSTREAM_CX_LOOP_REFUSED,
  /** Refused: the kernel had no original destination for the connection. */
  DOWNSTREAM_CX_NO_ORIGINAL_DST,
  /**
   * Closed without connecting anywhere because the mesh configuration routes it nowhere: no
   * filter chain matched, a BlackHole cluster, no healthy endpoint (the access log's flag says which).
   */
  DOWNSTREAM_CX_NOT_ROUTED,
  /** The client reset its connection; the reset was passed on upstream. */
  DOWNSTREAM_CX_RESET,
  UPSTREAM_CX_CONNECT_FAIL,
  UPSTREAM_CX_CONNECT_TIMEOUT,
  /**
   * TLS handshakes, client or upstream, that failed for another reason than a certificate (a
   * protocol error, garbage instead of TLS, no common ALPN or cipher), as Envoy's
   * ssl.connection_error; exactly one of the ssl.* counters counts each failed handshake. Upstream
   * ones are also in upstream_cx_connect_fail.
   */
  SSL_CONNECTION_ERROR("ssl.connection_error"),
  /**
   * Client TLS handshakes that failed where this proxy terminates TLS, whatever the reason
   * (Outrigger's total; the ssl.* counters and downstream_cx_transport_socket_connect_timeout say why).
   */
  DOWNSTREAM_CX_TLS_HANDSHAKE_FAIL,
  /** A peer's certificate did not verify: no chain to the mesh roots, expired, not yet valid (Envoy's ssl.fail_verify_error). */
  SSL_FAIL_VERIFY_ERROR("ssl.fail_verify_error"),
  /** The upstream's certificate had none of the cluster's SPIFFE SANs (Envoy's ssl.fail_verify_san). */
  SSL_FAIL_VERIFY_SAN("ssl.fail_verify_san"),
  /** A client sent no certificate where one is required (Envoy's ssl.fail_verify_no_cert). */
  SSL_FAIL_VERIFY_NO_CERT("ssl.fail_verify_no_cert"),
  /**
   * A client that had not finished its TLS handshake within the handshake timeout: closed (Envoy's
   * listener stat for transport_socket_connect_timeout).
   */
  DOWNSTREAM_CX_TRANSPORT_SOCKET_CONNECT_TIMEOUT,
  /** The upstream reset its connection; the reset was passed on to the client. */
  UPSTREAM_CX_RESET,
  /** An upstream sent a response the proxy could not parse; that connection was closed (503 UPE). */
  UPSTREAM_CX_PROTOCOL_ERROR,
  /**
   * Connections a listener drain ended at a clean boundary (Envoy's HCM downstream_cx_drain_close):
   * an HTTP/1 response sent with Connection: close or an idle keep-alive closed, or an h2 GOAWAY.
   */
  DOWNSTREAM_CX_DRAIN_CLOSE,
  /** A relayed TCP connection closed after OUTRIGGER_IDLE_TIMEOUT without a byte either way (tcp_proxy's stat). */
  IDLE_TIMEOUT,
  /**
   * A connection closed after OUTRIGGER_IDLE_TIMEOUT without a byte while its protocol was being
   * detected, or with no HTTP request or stream in progress (Envoy's HTTP connection manager stat).
   */
  DOWNSTREAM_CX_IDLE_TIMEOUT,
  /**
   * Protocol detection did not decide within OUTRIGGER_PROTOCOL_DETECTION_TIMEOUT; the connection
   * went on as TCP (Envoy's listener stat, with Istio's continue_on_listener_filters_timeout).
   */
  DOWNSTREAM_PRE_CX_TIMEOUT,
  /**
   * A TLS ClientHello that could not be read (cut short, malformed, over 16 KiB): the connection
   * went on as TLS without a server name or ALPN (Envoy's tls_inspector counts these as
   * client_hello_too_large and read errors).
   */
  TLS_CLIENT_HELLO_UNREAD,
  /** An HTTP request head not complete within OUTRIGGER_REQUEST_HEADERS_TIMEOUT: 408, connection closed. */
  DOWNSTREAM_RQ_HEADER_TIMEOUT,
  /** An HTTP request with no activity either way for OUTRIGGER_STREAM_IDLE_TIMEOUT: 408/504 SI, or a reset. */
  DOWNSTREAM_RQ_IDLE_TIMEOUT,
  /** HTTP requests seen on connections the detector found to speak HTTP. */
  DOWNSTREAM_RQ_TOTAL,
  /** HTTP/2 request streams reset as malformed (no :method, :scheme or :path). */
  DOWNSTREAM_RQ_PROTOCOL_ERROR,
  /** HTTP requests answered by the proxy itself (503 UF, 504 UT, 400, 431, ...). */
  DOWNSTREAM_RQ_LOCAL_REPLY,
  /**
   * HTTP requests sent again: by the route's retry policy, or (passthrough) on a fresh connection
   * after a reused one failed before the request head reached it.
   */
  UPSTREAM_RQ_RETRY,
  /** Retries the route allowed but the cluster's max_retries circuit breaker refused (the answer passed on, flag UO). */
  UPSTREAM_RQ_RETRY_OVERFLOW,
  /** Requests whose retries were used up on a retriable outcome (flag URX). */
  UPSTREAM_RQ_RETRY_LIMIT_EXCEEDED,
  /** Requests whose body outgrew what is kept for a retry: retries were given up for them. */
  RETRY_OR_SHADOW_ABANDONED,
  /** Requests refused at the cluster's max_requests circuit breaker: 503 UO. */
  UPSTREAM_RQ_PENDING_OVERFLOW,
  /** Attempts that hit the route's per-try timeout. */
  UPSTREAM_RQ_PER_TRY_TIMEOUT,
  /** Requests held by the route's fault injection (flag DI). */
  FAULT_DELAYS_INJECTED,
  /** Requests answered by the route's fault injection (flag FI). */
  FAULT_ABORTS_INJECTED,
  /** Bytes read from clients. */
  BYTES_RECEIVED,
  /** Bytes written to clients. */
  BYTES_SENT;

  /** Envoy's name where it is not the constant's in lower case (its ssl.* stats have a dot). */
  private final String statName;

  Counter() {
    this.statName = name().toLowerCase(Locale.ROOT);
  }

  Counter(String statName) {
    this.statName = statName;
  }

  public String statName() {
    return statName;
  }
}
