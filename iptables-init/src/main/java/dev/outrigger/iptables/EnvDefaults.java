package dev.outrigger.iptables;

import dev.outrigger.iptables.config.Flags;
import dev.outrigger.iptables.logging.IstioLogOptions;
import java.util.Map;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Defaults every option from the environment variable istio-iptables reads for it: the long name
 * upper-cased with '-' → '_'. A flag on the command line still wins; an unset variable leaves the
 * built-in default.
 */
public final class EnvDefaults implements IDefaultValueProvider {
  private final Map<String, String> env;

  /** Used by picocli when the command is created by class (as a subcommand of outrigger). */
  public EnvDefaults() {
    this(System.getenv());
  }

  public EnvDefaults(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  @Override
  public String defaultValue(ArgSpec argSpec) {
    // --help has no istio counterpart: a stray $HELP must not turn every run into a usage message.
    // Istio's --log_* flags are plain cobra flags, read from no environment variable.
    if (argSpec instanceof OptionSpec option && option.longestName().startsWith("--") && !option.usageHelp()
        && !option.longestName().startsWith(IstioLogOptions.PREFIX)) {
      String name = option.longestName();
      return Flags.additionalEnvName(name).map(env::get).orElseGet(() -> env.get(Flags.envName(name)));
    }
    return null;
  }
}
