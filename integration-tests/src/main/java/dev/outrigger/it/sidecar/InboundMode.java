package dev.outrigger.it.sidecar;

/** How the sidecar hands inbound connections to the app (OUTRIGGER_INBOUND_MODE). */
public enum InboundMode {
  /** Istio >= 1.10: from 127.0.0.6 to the original pod IP:port, so lo-only apps are unreachable. */
  PRESERVE("preserve"),
  /** Istio <= 1.9: to 127.0.0.1:port, so pod-IP-only apps are unreachable. */
  LOOPBACK("loopback");

  private final String envValue;

  InboundMode(String envValue) {
    this.envValue = envValue;
  }

  public String envValue() {
    return envValue;
  }
}
