package dev.outrigger.iptables.exec;

import dev.outrigger.iptables.config.TproxyRouting;
import dev.outrigger.iptables.net.Family;
import dev.outrigger.iptables.plan.TproxyRoutes;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Adds or removes TPROXY's policy routing with ip(8), in the namespace the runner works in. */
public final class ExecTproxyRoutes {
  private final CommandRunner runner;
  private final Binaries binaries;
  private final PrintWriter out;

  public ExecTproxyRoutes(CommandRunner runner, Binaries binaries, PrintWriter out) {
    this.runner = runner;
    this.binaries = binaries;
    this.out = out;
  }

  /** Adds the rule unless present (ip rule add would add a copy) and sets the route. */
  public void install(List<Family> families, TproxyRouting routing, boolean dryRun) throws IptablesException {
    for (Family family : families) {
      if (dryRun) {
        out.println("ip " + String.join(" ", TproxyRoutes.addRule(family, routing)));
        out.println("ip " + String.join(" ", TproxyRoutes.addRoute(family, routing)));
        continue;
      }
      if (run(TproxyRoutes.showRule(family, routing)).stdout().isBlank()) {
        run(TproxyRoutes.addRule(family, routing));
      }
      run(TproxyRoutes.addRoute(family, routing));
      out.println("Added " + family + " policy route: " + TproxyRoutes.ruleSelector(routing)
          + ", local default dev lo table " + routing.routeTable());
    }
  }

  /**
   * Removes every copy of the rule for the given mark and table (the run's -t/-r) and empties the
   * table, for both families; absent state is fine.
   */
  public void remove(TproxyRouting routing, boolean dryRun) throws IptablesException {
    for (Family family : Family.values()) {
      if (dryRun) {
        out.println("ip " + String.join(" ", TproxyRoutes.deleteRule(family, routing)));
        out.println("ip " + String.join(" ", TproxyRoutes.flushRoutes(family, routing)));
        continue;
      }
      int removed = 0;
      while (!tryRun(TproxyRoutes.showRule(family, routing)).stdout().isBlank() && removed < 100) {
        run(TproxyRoutes.deleteRule(family, routing));
        removed++;
      }
      // Fails harmlessly when the table never existed (or IPv6 is off).
      tryRun(TproxyRoutes.flushRoutes(family, routing));
      if (removed > 0) {
        out.println("Removed " + family + " policy route (" + TproxyRoutes.ruleSelector(routing) + ")");
      }
    }
  }

  private CommandResult run(List<String> args) throws IptablesException {
    CommandResult result = tryRun(args);
    if (!result.ok()) {
      throw new IptablesException("ip " + String.join(" ", args) + " failed: " + result.firstErrorLine());
    }
    return result;
  }

  private CommandResult tryRun(List<String> args) throws IptablesException {
    String ip = binaries.require("ip", "set up TPROXY policy routing").toString();
    List<String> command = new ArrayList<>(List.of(ip));
    command.addAll(args);
    try {
      return runner.run(command);
    } catch (IOException e) {
      throw new IptablesException("could not run ip: " + e.getMessage(), e);
    }
  }
}
