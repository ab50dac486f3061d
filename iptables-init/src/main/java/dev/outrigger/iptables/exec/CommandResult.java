package dev.outrigger.iptables.exec;

import java.util.List;

/** Exit status and output of a finished program. */
public record CommandResult(int exitCode, String stdout, String stderr) {
  public boolean ok() {
    return exitCode == 0;
  }

  /**
   * The first meaningful stderr line, for one-line errors. nf_tables tools print their name on a line
   * of its own ("iptables-restore v1.8.9 (nf_tables): ") and the reason on the next, so such a line is
   * joined with the one after it.
   */
  public String firstErrorLine() {
    List<String> lines = stderr.lines()
        .map(String::strip)
        .filter(line -> !line.isEmpty() && !line.startsWith("Try `") && !line.startsWith("# Warning"))
        .toList();
    if (lines.isEmpty()) {
      return "exit code " + exitCode;
    }
    return lines.get(0).endsWith(":") && lines.size() > 1 ? lines.get(0) + " " + lines.get(1) : lines.get(0);
  }
}
