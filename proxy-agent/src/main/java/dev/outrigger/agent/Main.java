package dev.outrigger.agent;

import dev.outrigger.iptables.IptablesCommand;
import dev.outrigger.agent.inject.KubeInjectCommand;
import dev.outrigger.agent.inject.webhook.InjectorCommand;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of outrigger.jar: one binary for the init step, the proxy and the helper commands.
 *
 * <p>The subcommands are added in code, not in {@code @Command(subcommands=...)}: picocli reads every
 * option of every command it is given, which took about 60 ms of the proxy's start-up. Only the
 * command being run is given, unless the arguments name none; then all are, so help and error
 * messages list them.
 */
@Command(
    name = "outrigger",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Transparent sidecar proxy for Kubernetes, compatible with Istio's capture rules.")
public final class Main implements Runnable {
  /** In the order the help lists them. */
  static final List<String> SUBCOMMANDS = List.of("iptables", "proxy", "wait", "kube-inject", "injector");

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine(args).execute(args));
  }

  /** The command line to run {@code args} with. */
  static CommandLine commandLine(String... args) {
    CommandLine main = new CommandLine(new Main());
    Class<?> named = args.length == 0 ? null : subcommand(args[0]);
    if (named != null) {
      main.addSubcommand(named);
    } else {
      SUBCOMMANDS.forEach(name -> main.addSubcommand(subcommand(name)));
    }
    return main;
  }

  /** The command class called {@code name}, null if none; picocli creates it only when added. */
  static Class<?> subcommand(String name) {
    // A switch rather than a map: only the class of the name asked for is loaded.
    return switch (name) {
      // istio-iptables: the name Istio's injected init containers use (pilot-agent istio-iptables).
      case "iptables", "istio-iptables" -> IptablesCommand.class;
      case "proxy" -> ProxyCommand.class;
      case "wait" -> WaitCommand.class;
      case "kube-inject" -> KubeInjectCommand.class;
      case "injector" -> InjectorCommand.class;
      // Hidden (not in SUBCOMMANDS, so not in the help): bin/outrigger cds-archive's control plane.
      case CdsTrainingXdsCommand.NAME -> CdsTrainingXdsCommand.class;
      default -> null;
    };
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }
}
