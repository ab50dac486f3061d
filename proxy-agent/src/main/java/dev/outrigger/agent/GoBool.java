package dev.outrigger.agent;

/**
 * Go's strconv.ParseBool, which Istio uses for its boolean annotations and environment variables
 * (env.Register): exactly 1, t, T, TRUE, true, True and their false counterparts.
 */
public final class GoBool {
  private GoBool() {}

  /** The value, or null where Go's ParseBool would fail. */
  public static Boolean parse(String value) {
    return switch (value) {
      case "1", "t", "T", "TRUE", "true", "True" -> true;
      case "0", "f", "F", "FALSE", "false", "False" -> false;
      default -> null;
    };
  }
}
