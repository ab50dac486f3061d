package dev.outrigger.core.log;

/** Envoy's response flags, as far as an L4 relay can raise them. */
public enum ResponseFlag {
  NONE("-"),
  /** Upstream connection failure: refused, unreachable or timed out. */
  UPSTREAM_CONNECTION_FAILURE("UF"),
  /** Upstream remote reset: the upstream reset the connection after it was established. */
  UPSTREAM_REMOTE_RESET("UR"),
  /** Downstream connection termination: the client reset the connection. */
  DOWNSTREAM_CONNECTION_TERMINATION("DC"),
  /** No route: no original destination, or it pointed back at the proxy. */
  NO_ROUTE("NR");

  private final String code;

  ResponseFlag(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }
}
