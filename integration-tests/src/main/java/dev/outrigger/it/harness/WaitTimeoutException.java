package dev.outrigger.it.harness;

/** A bounded wait ran out; the message says what was awaited and for how long. */
public final class WaitTimeoutException extends RuntimeException {
  public WaitTimeoutException(String message) {
    super(message);
  }
}
