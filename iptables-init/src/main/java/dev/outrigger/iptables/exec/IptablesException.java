package dev.outrigger.iptables.exec;

/** The host cannot take (or give back) the rules; the message is one line saying what is missing. */
public final class IptablesException extends Exception {
  public IptablesException(String message) {
    super(message);
  }

  public IptablesException(String message, Throwable cause) {
    super(message, cause);
  }
}
