package dev.outrigger.iptables.config;

/** A flag (or its environment variable) has a value we refuse; nothing has been changed yet. */
public final class InvalidOptionException extends Exception {
  public InvalidOptionException(String option, String problem) {
    super("invalid " + option + ": " + problem);
  }
}
