package dev.outrigger.it.harness;

import java.util.List;

/** How a finished command exited and what it printed. */
public record CommandResult(List<String> command, int exitCode, String stdout, String stderr) {

  /** Stdout then stderr, trimmed: what a person at a terminal would have read. */
  public String printed() {
    return (stdout + stderr).strip();
  }

  public boolean succeeded() {
    return exitCode == 0;
  }

  /** Returns this result, or throws with everything the command printed when it failed. */
  public CommandResult requireSuccess() {
    if (!succeeded()) {
      throw new CommandFailedException(describe());
    }
    return this;
  }

  public String describe() {
    return String.join(" ", command) + " exited " + exitCode
        + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
  }
}
