package dev.outrigger.core.http;

import dev.outrigger.core.log.ResponseFlag;
import dev.outrigger.core.route.ClusterTarget;
import dev.outrigger.core.route.table.RetryPolicy;
import dev.outrigger.core.stats.Counter;
import dev.outrigger.core.stats.ListenerStats;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Set;
import java.util.function.LongUnaryOperator;

/**
 * Whether a failed attempt is tried again, as Envoy's RetryStateImpl decides it: which outcomes
 * the route's retry_on covers, how many retries are left, the cluster's max_retries, and the
 * jittered back-off before the next attempt. One per request; event loop only.
 *
 * <p>Without a policy (passthrough, or a route with retries switched off) only what this proxy
 * always did remains: a request whose head never reached the upstream's socket, and that has no
 * body, is sent again at once, up to twice, with no flag when that is used up.
 */
final class RetryState {
  /** What happened to an attempt before any response head (Envoy's stream reset reasons). */
  enum Reset {
    /** The connection could not be made. */
    CONNECT_FAILURE,
    /** The upstream closed the connection. */
    CONNECTION_TERMINATION,
    /** The upstream reset the connection or the stream. */
    REMOTE_RESET,
    /** The upstream refused the HTTP/2 stream (REFUSED_STREAM): it did not process it. */
    REFUSED_STREAM,
    /** The proxy gave up on it (per-try timeout). */
    LOCAL_RESET,
    /** Its response could not be parsed. */
    PROTOCOL_ERROR
  }

  /** Envoy's RetryStatus. */
  enum Decision {
    /** Try again after {@link #backoffMillis()}. */
    RETRY(ResponseFlag.NONE),
    /** The outcome is not one the policy retries. */
    NO(ResponseFlag.NONE),
    /** It is, but no retries are left. */
    LIMIT_EXCEEDED(ResponseFlag.UPSTREAM_RETRY_LIMIT_EXCEEDED),
    /** It is, but the cluster's max_retries is reached. */
    OVERFLOW(ResponseFlag.UPSTREAM_OVERFLOW);

    private final ResponseFlag flag;

    Decision(ResponseFlag flag) {
      this.flag = flag;
    }

    /** The flag Envoy raises when this decision means no retry (URX, UO), else none. */
    ResponseFlag flag() {
      return flag;
    }
  }

  /** Envoy's default base interval (upstream.base_retry_backoff_ms); the cap is ten times it. */
  static final long BASE_INTERVAL_MILLIS = 25;
  static final long MAX_INTERVAL_MILLIS = BASE_INTERVAL_MILLIS * 10;
  /** The retries of a request without a policy: Istio's default num_retries. */
  static final int PASSTHROUGH_RETRIES = 2;

  private final RetryPolicy policy;
  private final boolean passthrough;
  private final ClusterTarget target;
  private final ListenerStats stats;
  /** Uniform in [0, bound): Envoy's fully jittered back-off draws from its random source. */
  private final LongUnaryOperator random;
  private int retriesLeft;
  private long nextIntervalMillis = BASE_INTERVAL_MILLIS;
  private boolean holdsRetry;
  private boolean retried;
  private boolean disabled;

  RetryState(RetryPolicy policy, ClusterTarget target, ListenerStats stats, LongUnaryOperator random) {
    this.policy = policy;
    this.passthrough = policy.retryOn().isEmpty();
    this.target = target;
    this.stats = stats;
    this.random = random;
    this.retriesLeft = passthrough ? PASSTHROUGH_RETRIES : policy.numRetries();
  }

  /** Whether the route retries anything at all (its request body is then kept for a retry). */
  boolean enabled() {
    return !passthrough && !disabled;
  }

  /** At least one retry was made. */
  boolean retried() {
    return retried;
  }

  /**
   * No retry any more: the request body outgrew what is kept for one (Envoy's
   * retry_or_shadow_abandoned), or a 1xx already went to the client.
   */
  void disable(boolean bodyTooLarge) {
    if (bodyTooLarge && enabled()) {
      stats.increment(Counter.RETRY_OR_SHADOW_ABANDONED);
    }
    disabled = true;
  }

  /**
   * An attempt ended before a response head.
   *
   * @param headWritten whether the whole request head reached the upstream's socket
   * @param bodyless whether the request was complete and had no body (what passthrough can resend)
   */
  Decision onReset(Reset reason, boolean headWritten, boolean bodyless) {
    if (passthrough) {
      boolean safe = (reason == Reset.CONNECTION_TERMINATION || reason == Reset.REMOTE_RESET || reason == Reset.REFUSED_STREAM)
          && !headWritten && bodyless;
      return decide(safe && !disabled);
    }
    return decide(wouldRetry(reason, headWritten));
  }

  /** A response head arrived; its status (and grpc-status) may be one the policy retries. */
  Decision onResponse(int status, HttpHeaders headers) {
    return passthrough ? Decision.NO : decide(wouldRetry(status, headers));
  }

  /** Envoy's wouldRetryFromReset. */
  private boolean wouldRetry(Reset reason, boolean headWritten) {
    Set<String> on = policy.retryOn();
    if (reason == Reset.CONNECT_FAILURE && on.contains("connect-failure")) {
      return true;
    }
    if (on.contains("reset-before-request") && !headWritten) {
      return true;
    }
    if (on.contains("reset") || on.contains("5xx") || on.contains("gateway-error")) {
      return true; // Envoy counts a reset as a 5xx, since it will end in one
    }
    return reason == Reset.REFUSED_STREAM && on.contains("refused-stream");
  }

  /** Envoy's wouldRetryFromHeaders (x-envoy-ratelimited and retriable headers aside). */
  private boolean wouldRetry(int status, HttpHeaders headers) {
    Set<String> on = policy.retryOn();
    if (on.contains("5xx") && status >= 500 && status < 600) {
      return true;
    }
    if (on.contains("gateway-error") && (status == 502 || status == 503 || status == 504)) {
      return true;
    }
    if (on.contains("retriable-4xx") && status == 409) {
      return true;
    }
    if (on.contains("retriable-status-codes") && policy.retriableStatusCodes().contains(status)) {
      return true;
    }
    String grpc = headers.get("grpc-status");
    return grpc != null && on.contains(GrpcRetryOn.name(grpc.trim()));
  }

  /** Envoy's shouldRetry: the slot of the previous retry is given back first, then the limits are checked. */
  private Decision decide(boolean wouldRetry) {
    releaseRetry();
    if (!wouldRetry || disabled) {
      return Decision.NO;
    }
    if (retriesLeft == 0) {
      if (passthrough) {
        return Decision.NO;
      }
      stats.increment(Counter.UPSTREAM_RQ_RETRY_LIMIT_EXCEEDED);
      return Decision.LIMIT_EXCEEDED;
    }
    retriesLeft--;
    if (!target.tryStartRetry()) {
      stats.increment(Counter.UPSTREAM_RQ_RETRY_OVERFLOW);
      return Decision.OVERFLOW;
    }
    holdsRetry = true;
    retried = true;
    stats.increment(Counter.UPSTREAM_RQ_RETRY);
    return Decision.RETRY;
  }

  /**
   * The wait before the retry just decided: Envoy's fully jittered exponential back-off, uniform in
   * [0, interval) with the interval doubling from 25 ms up to 250 ms. Passthrough resends at once.
   */
  long backoffMillis() {
    if (passthrough) {
      return 0;
    }
    long interval = nextIntervalMillis;
    nextIntervalMillis = Math.min(nextIntervalMillis * 2, MAX_INTERVAL_MILLIS);
    return random.applyAsLong(interval);
  }

  /** The request is over: a retry slot still held is given back. */
  void end() {
    releaseRetry();
  }

  private void releaseRetry() {
    if (holdsRetry) {
      holdsRetry = false;
      target.retryDone();
    }
  }

  /** The retry_on names of the gRPC statuses Envoy retries on. */
  private static final class GrpcRetryOn {
    private GrpcRetryOn() {}

    static String name(String grpcStatus) {
      return switch (grpcStatus) {
        case "1" -> "cancelled";
        case "4" -> "deadline-exceeded";
        case "8" -> "resource-exhausted";
        case "13" -> "internal";
        case "14" -> "unavailable";
        default -> "";
      };
    }
  }
}
