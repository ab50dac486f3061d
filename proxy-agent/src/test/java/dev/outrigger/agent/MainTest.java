package dev.outrigger.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

  /** Command names, each once (picocli also keys a command by its aliases). */
  private static List<String> subcommandsFor(String... args) {
    CommandLine commandLine = Main.commandLine(args);
    return commandLine.getSubcommands().values().stream().map(CommandLine::getCommandName).distinct().toList();
  }
}
