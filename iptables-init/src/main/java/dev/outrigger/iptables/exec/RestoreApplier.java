package dev.outrigger.iptables.exec;

import dev.outrigger.iptables.restore.RestoreScript;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies a script with a single iptables-restore call, so a rejected rule leaves the tables as
 * they were instead of half-written (iptables-restore commits a table only when all of it parsed and
 * applied).
 */
public final class RestoreApplier {
  private final CommandRunner runner;
  private final Binaries binaries;

  public RestoreApplier(CommandRunner runner, Binaries binaries) {
    this.runner = runner;
    this.binaries = binaries;
  }

  public void apply(Backend backend, RestoreScript script) throws IptablesException {
    if (script.isEmpty()) {
      return;
    }
    Path restore = binaries.require(backend.restoreBinary(), "apply " + backend.family() + " rules");
    List<String> command = new ArrayList<>(List.of(restore.toString(), "--noflush"));
    command.addAll(backend.restoreOptions());
    CommandResult result;
    try {
      result = runner.run(command, script.render(false));
    } catch (IOException e) {
      throw new IptablesException("could not run " + backend.restoreBinary() + ": " + e.getMessage(), e);
    }
    if (!result.ok()) {
      throw new IptablesException(XtablesErrors.describe(backend.restoreBinary(), result));
    }
  }
}
