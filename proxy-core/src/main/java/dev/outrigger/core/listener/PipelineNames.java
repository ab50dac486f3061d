package dev.outrigger.core.listener;

/**
 * The names of every handler the proxy puts in a pipeline, in one place, so that the code that
 * removes or finds a handler (an upgrade handing HTTP over to the relay, a test) names the one
 * that was added, and the order of a pipeline can be read here. Listed socket end first.
 */
public final class PipelineNames {
  private PipelineNames() {}

  // Any connection under the buffer budget (accepted or upstream), put first by the budget.
  /** Resets the connection when a buffer for it could not be allocated. */
  public static final String ALLOCATION_GUARD = "allocation-guard";
  /** Tells the reads protocol code asks for from those Netty starts on its own. */
  public static final String READ_REQUEST_WATCH = "read-request-watch";

  // An accepted connection, as the listener assembles it.
  /** Counts every byte at the socket end, whatever the connection carries. */
  public static final String BYTES = "bytes";
  /** The connection's place in the active-connection gauge. */
  public static final String LIFECYCLE = "lifecycle";
  /** The connection's idle timer (both directions pass the client side). */
  public static final String IDLE = "idle";
  /** Finds the original destination and carries out the router's plan; replaced by {@link #SNIFF}. */
  public static final String DOWNSTREAM = "downstream";
  /** Reads the first bytes to detect the protocol; removed once it has decided. */
  public static final String SNIFF = "sniff";

  // ... then one of: a byte relay,
  /** Relays bytes between the client and the upstream (on the upstream connection too). */
  public static final String RELAY = "relay";

  // ... HTTP/1.x,
  public static final String HTTP_HEAD_BYTES = "http-head-bytes";
  public static final String HTTP_CODEC = "http-codec";
  public static final String HTTP_HEAD_DEADLINE = "http-head-deadline";
  public static final String HTTP_DRAIN = "http-drain";
  public static final String HTTP_SESSION = "http-session";

  // ... or HTTP/2 (h2c).
  public static final String H2_HEADERS_DEADLINE = "h2-headers-deadline";
  public static final String H2_CODEC = "h2-codec";
  public static final String H2_STREAMS = "h2-streams";
  public static final String H2_DRAIN = "h2-drain";
  public static final String H2_CONNECTION = "h2-connection";

  // An upstream HTTP/1.1 connection from the pool (after the transport's handlers), or an
  // upstream HTTP/2 stream (codec and exchange only).
  /** The pooled connection's idle timer. */
  public static final String UPSTREAM_IDLE = "idle";
  public static final String UPSTREAM_CODEC = "codec";
  /** The exchange the connection or stream is lent to. */
  public static final String UPSTREAM_EXCHANGE = "exchange";
}
