package dev.outrigger.core.http;

/**
 * Where one exchange is, as one value: the only state that decides what an event means. Facts
 * that are not states (the request was received whole, a side may be kept alive) live with the
 * part they describe ({@link DownstreamStream}, {@link UpstreamAttempt}).
 */
enum ExchangePhase {
  /** Created; not yet sent anywhere. */
  PENDING,
  /** Held by the route's fault injection before it is routed. */
  DELAYED,
  /** Waiting for an upstream connection (or HTTP/2 stream) for the current attempt. */
  CONNECTING,
  /** An attempt failed and a retry waits for its back-off. */
  BACKOFF,
  /** The request is on its way to, or at, the upstream; no final response head yet. */
  AWAITING_RESPONSE,
  /** A 1xx (100 Continue) went downstream; the final response head is still to come. */
  INFORMATIONAL,
  /** The final response head went downstream; its body streams. */
  STREAMING_RESPONSE,
  /** Over: the upstream's response was relayed to its end. */
  COMPLETE,
  /** Over any other way: a local reply, a reset, the client gone. */
  ENDED;

  boolean isOver() {
    return this == COMPLETE || this == ENDED;
  }

  /** Whether the client has seen a final response head from the upstream. */
  boolean responseStarted() {
    return this == STREAMING_RESPONSE || this == COMPLETE;
  }
}
