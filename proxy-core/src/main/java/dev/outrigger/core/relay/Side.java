package dev.outrigger.core.relay;

/** The two ends of a proxied connection. */
enum Side {
  /** The client that was redirected to the proxy. */
  DOWNSTREAM,
  /** The connection the proxy opened to the original destination (or the app). */
  UPSTREAM;

  Side other() {
    return this == DOWNSTREAM ? UPSTREAM : DOWNSTREAM;
  }
}
