package dev.outrigger.iptables;

/** Exit statuses of the iptables command. */
public final class ExitCodes {
  public static final int OK = 0;
  /** The host could not take the rules (missing binary, table or module, backend mismatch). */
  public static final int FAILED = 1;
  /** A flag or environment variable was refused; nothing was changed. */
  public static final int BAD_OPTION = 2;
  /** istio-iptables' ValidationErrorCode: the redirect does not work, the pod must not start. */
  public static final int VALIDATION_FAILED = 126;

  private ExitCodes() {}
}
