package dev.outrigger.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.outrigger.iptables.IptablesCommand;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Only the subcommand being run is given to picocli; help and errors still see them all. */
class MainTest {

  @Test
  void eachNameIsItsCommandsOwn() {
    for (String name : Main.SUBCOMMANDS) {
      Class<?> command = Main.subcommand(name);
      assertNotNull(command, name);
      assertEquals(name, command.getAnnotation(Command.class).name());
    }
  }

  @Test
  void aNamedSubcommandIsTheOnlyOne() {
    for (String name : Main.SUBCOMMANDS) {
      assertEquals(List.of(name), subcommandsFor(name, "--help"));
    }
  }

  @Test
  void otherwiseAllAreThereInHelpOrder() {
    assertEquals(Main.SUBCOMMANDS, subcommandsFor());
    assertEquals(Main.SUBCOMMANDS, subcommandsFor("--help"));
    assertEquals(Main.SUBCOMMANDS, subcommandsFor("--version"));
    assertEquals(Main.SUBCOMMANDS, subcommandsFor("prox"));
    assertEquals(Main.SUBCOMMANDS, subcommandsFor("-h", "proxy"));
  }

  @Test
  void istioIptablesRunsTheIptablesCommandAsIstiosInitContainerArgsSayIt() {
    assertEquals(IptablesCommand.class, Main.subcommand("istio-iptables"), "only that command is loaded");
    String[] args = {"istio-iptables", "-p", "15001", "-k", "net1", "--log_output_level=default:info"};
    CommandLine.ParseResult parsed = Main.commandLine(args).parseArgs(args);
    assertEquals(IptablesCommand.class, parsed.subcommand().commandSpec().userObject().getClass());
  }

  @Test
  void theCdsTrainingControlPlaneRunsByNameButIsNotInTheHelp() {
    assertEquals(CdsTrainingXdsCommand.class, Main.subcommand("cds-training-xds"));
    assertEquals(List.of("cds-training-xds"), subcommandsFor("cds-training-xds", "--port", "1"));
    assertFalse(Main.SUBCOMMANDS.contains("cds-training-xds"));
    java.io.StringWriter help = new java.io.StringWriter();
    Main.commandLine().setOut(new java.io.PrintWriter(help)).execute("--help");
    assertFalse(help.toString().contains("cds-training"), help.toString());
  }

  @Test
  void theCdsTrainingControlPlaneFailsWhenItsPortIsTaken() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      String[] args = {"cds-training-xds", "--port", String.valueOf(taken.getLocalPort())};
      assertEquals(1, Main.commandLine(args).execute(args));
    }
  }

  /** Command names, each once (picocli also keys a command by its aliases). */
  private static List<String> subcommandsFor(String... args) {
    CommandLine commandLine = Main.commandLine(args);
    return commandLine.getSubcommands().values().stream().map(CommandLine::getCommandName).distinct().toList();
  }
}
