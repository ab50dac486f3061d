package dev.outrigger.agent.inject;

/** A pod that must not be injected as it is, or an annotation with a bad value; the message says which and why. */
public final class InjectionException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InjectionException(String message) {
    super(message);
  }

  /** The same problem, prefixed with the object it was found in. */
  InjectionException in(String where) {
    return new InjectionException(where + ": " + getMessage());
  }
}
