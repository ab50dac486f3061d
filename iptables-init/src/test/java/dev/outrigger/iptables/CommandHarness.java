package dev.outrigger.iptables;

import dev.outrigger.iptables.config.Settings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import picocli.CommandLine;

/** Runs the iptables command in-process against a given host and captures what it prints. */
public final class CommandHarness {
  private CommandHarness() {}

  public record Outcome(int exitCode, String out, String err) {}

  public static Outcome execute(Host host, List<String> args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = IptablesCommand.commandLine(host);
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int exitCode = commandLine.execute(args.toArray(String[]::new));
    return new Outcome(exitCode, out.toString(), err.toString());
  }

  /** Parses flags (and the host's environment) into settings without running anything. */
  public static Settings settings(Host host, List<String> args) throws Exception {
    CommandLine commandLine = IptablesCommand.commandLine(host);
    commandLine.parseArgs(args.toArray(String[]::new));
    return ((IptablesCommand) commandLine.getCommand()).settings();
  }
}
