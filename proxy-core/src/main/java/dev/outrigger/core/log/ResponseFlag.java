package dev.outrigger.core.log;

/** Envoy's response flags, as far as this proxy raises them. */
public enum ResponseFlag {
  NONE("-"),
  /** Upstream connection failure: refused, unreachable or timed out. */
  UPSTREAM_CONNECTION_FAILURE("UF"),
  /** Upstream remote reset: the upstream reset the connection after it was established. */
  UPSTREAM_REMOTE_RESET("UR"),
  /** Downstream connection termination: the client reset the connection. */
  DOWNSTREAM_CONNECTION_TERMINATION("DC"),
  /** Upstream connection termination: it closed before answering. */
  UPSTREAM_CONNECTION_TERMINATION("UC"),
  /** Upstream request timeout: no complete response within the route timeout. */
  UPSTREAM_REQUEST_TIMEOUT("UT"),
  /** Upstream protocol error: the upstream's response could not be parsed. */
  UPSTREAM_PROTOCOL_ERROR("UPE"),
  /** Stream idle timeout: no activity on the request either way for the stream idle timeout. */
  STREAM_IDLE_TIMEOUT("SI"),
  /** Downstream protocol error: a request the proxy could not parse. */
  DOWNSTREAM_PROTOCOL_ERROR("DPE"),
  /** No route: no original destination, it pointed back at the proxy, or no filter chain or route matched. */
  NO_ROUTE("NR"),
  /** The route named a cluster the configuration does not have. */
  NO_CLUSTER_FOUND("NC"),
  /** The cluster had no healthy (or un-ejected) endpoint. */
  NO_HEALTHY_UPSTREAM("UH"),
  /** A circuit breaker was at its limit. */
  UPSTREAM_OVERFLOW("UO"),
  /** The retries allowed were used up; the last attempt's answer was passed on. */
  UPSTREAM_RETRY_LIMIT_EXCEEDED("URX"),
  /** The request was aborted by fault injection. */
  FAULT_INJECTED("FI"),
  /** The request was delayed by fault injection. */
  DELAY_INJECTED("DI");

  private final String code;

  ResponseFlag(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }
}
