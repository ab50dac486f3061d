package dev.outrigger.it.harness;

/** A command the harness needed (creating a link, starting a server) did not work. */
public final class CommandFailedException extends RuntimeException {
  public CommandFailedException(String message) {
    super(message);
  }
}
