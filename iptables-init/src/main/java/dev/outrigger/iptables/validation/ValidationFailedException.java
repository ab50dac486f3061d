package dev.outrigger.iptables.validation;

/** The capture rules do not redirect traffic the way the proxy needs; the pod must not start. */
public final class ValidationFailedException extends Exception {
  public ValidationFailedException(String reason) {
    super("iptables validation failed; workload is not ready for Outrigger: " + reason);
  }
}
