package dev.outrigger.iptables.logging;

import dev.outrigger.iptables.LenientBoolean;
import dev.outrigger.iptables.config.InvalidOptionException;
import java.util.List;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/**
 * Istio's logging flags (istio.io/istio/pkg/log Options.AttachFlags), which pilot-agent attaches to
 * every command, istio-iptables included: Istio's injection template passes --log_output_level (and
 * --log_as_json with global.logAsJson) to the init container. Each is parsed and checked as Istio
 * checks it; the level of the default scope becomes this command's log level. Istio reads none of
 * them from the environment.
 */
public final class IstioLogOptions {
  public static final String OUTPUT_LEVEL = "--log_output_level";
  public static final String STACKTRACE_LEVEL = "--log_stacktrace_level";
  public static final String CALLER = "--log_caller";
  public static final String AS_JSON = "--log_as_json";
  public static final String TARGET = "--log_target";
  public static final String ROTATE = "--log_rotate";
  public static final String ROTATE_MAX_AGE = "--log_rotate_max_age";
  public static final String ROTATE_MAX_SIZE = "--log_rotate_max_size";
  public static final String ROTATE_MAX_BACKUPS = "--log_rotate_max_backups";
  /** Flags of this family take no value from the environment (see EnvDefaults). */
  public static final String PREFIX = "--log_";

  /** A list because a manifest may add one to the template's: as with pflag, the last one given counts. */
  @Option(names = OUTPUT_LEVEL, description = "Istio scoped levels, e.g. default:debug; sets this command's log level.")
  List<String> outputLevels;
  @Option(names = STACKTRACE_LEVEL, defaultValue = "default:none", description = "Istio scoped levels (checked; no effect).")
  String stacktraceLevel;
  @Option(names = CALLER, defaultValue = "", description = "Scopes that log their caller (accepted; no effect).")
  String caller;
  @Option(names = AS_JSON, defaultValue = "false", arity = "0..1", fallbackValue = "true", converter = LenientBoolean.class,
      description = "Accepted; the log stays text.")
  boolean asJson;
  @Option(names = TARGET, defaultValue = "stdout", description = "stdout or stderr (the log goes to stderr); files are refused.")
  List<String> targets;
  @Option(names = ROTATE, defaultValue = "", description = "Rotating log file: refused (not supported).")
  String rotate;
  @Option(names = ROTATE_MAX_AGE, defaultValue = "30", description = "Checked as an integer; no effect.")
  String rotateMaxAge;
  @Option(names = ROTATE_MAX_SIZE, defaultValue = "104857600", description = "Checked as an integer; no effect.")
  String rotateMaxSize;
  @Option(names = ROTATE_MAX_BACKUPS, defaultValue = "1000", description = "Checked as an integer; no effect.")
  String rotateMaxBackups;

  /** The checked options: the default scope's level if the flags set one. */
  public LogSettings settings() throws InvalidOptionException {
    String outputLevel = outputLevels == null || outputLevels.isEmpty() ? "" : outputLevels.get(outputLevels.size() - 1);
    // Istio adds an empty --log_output_level to nothing (its defaults stand); a non-empty one is checked.
    ScopedLevels output = outputLevel.isEmpty()
        ? new ScopedLevels(List.of()) : check(OUTPUT_LEVEL, () -> ScopedLevels.parse(outputLevel));
    check(STACKTRACE_LEVEL, () -> ScopedLevels.parse(stacktraceLevel));
    for (String target : targets) {
      check(TARGET, () -> target(target));
    }
    check(ROTATE, () -> {
      if (!rotate.isEmpty()) {
        throw new IllegalArgumentException("'" + rotate + "': a rotating log file is not supported by outrigger iptables"
            + " (its log goes to stderr)");
      }
      return null;
    });
    check(ROTATE_MAX_AGE, () -> GoInt.parse(rotateMaxAge));
    check(ROTATE_MAX_SIZE, () -> GoInt.parse(rotateMaxSize));
    check(ROTATE_MAX_BACKUPS, () -> GoInt.parse(rotateMaxBackups));
    return new LogSettings(output.levelOf(ScopedLevels.DEFAULT_SCOPE), asJson);
  }

  private static String target(String target) {
    if (!target.equals("stdout") && !target.equals("stderr")) {
      throw new IllegalArgumentException("'" + target + "': writing the log to a file is not supported by outrigger iptables"
          + " (expected: stdout or stderr)");
    }
    return target;
  }

  private static <T> T check(String flag, Supplier<T> check) throws InvalidOptionException {
    try {
      return check.get();
    } catch (IllegalArgumentException e) {
      throw new InvalidOptionException(flag, e.getMessage());
    }
  }
}
