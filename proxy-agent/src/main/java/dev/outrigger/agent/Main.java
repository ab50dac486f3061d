package dev.outrigger.agent;

import dev.outrigger.iptables.IptablesCommand;
import dev.outrigger.agent.inject.KubeInjectCommand;
import dev.outrigger.agent.inject.webhook.InjectorCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of outrigger.jar: one binary for the init step, the proxy and the helper commands. */
@Command(
    name = "outrigger",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Transparent sidecar proxy for Kubernetes, compatible with Istio's capture rules.",
    subcommands = {IptablesCommand.class, ProxyCommand.class, WaitCommand.class,
        KubeInjectCommand.class, InjectorCommand.class})
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }
}
