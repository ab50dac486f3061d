package dev.outrigger.agent;

/** A configuration value that cannot be used; the message names the key and what was expected. */
public final class ConfigException extends IllegalArgumentException {
  public ConfigException(String message) {
    super(message);
  }
}
