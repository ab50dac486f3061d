package dev.outrigger.iptables.plan;

/** The configuration is valid for istio-iptables but asks for something Outrigger cannot do yet. */
public final class UnsupportedModeException extends Exception {
  public UnsupportedModeException(String message) {
    super(message);
  }
}
