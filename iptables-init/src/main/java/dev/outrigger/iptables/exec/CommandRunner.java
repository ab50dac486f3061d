package dev.outrigger.iptables.exec;

import java.io.IOException;
import java.util.List;

/** Runs one external program. Everything that touches the host's network state goes through here. */
public interface CommandRunner {

  /** @param stdin text for the program's standard input, or null for none */
  CommandResult run(List<String> command, String stdin) throws IOException;

  default CommandResult run(List<String> command) throws IOException {
    return run(command, null);
  }
}
