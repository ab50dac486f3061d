package dev.outrigger.it.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Kills a process with everything it spawned (a shell loop and its current ncat, for example). */
final class ProcessTrees {
  private static final Duration EXIT_WAIT = Duration.ofSeconds(5);

  private ProcessTrees() {}

  static void kill(ProcessHandle root) {
    // Descendants are listed before the root dies: once it is gone they are re-parented and
    // can no longer be found from it. The root goes first so a loop cannot spawn a new child;
    // anything spawned in between is caught by the namespace sweep when the pod closes.
    List<ProcessHandle> tree = new ArrayList<>();
    tree.add(root);
    root.descendants().forEach(tree::add);
    tree.forEach(ProcessHandle::destroyForcibly);
    // Polled rather than onExit(): for processes that are not our children the JDK polls with
    // a growing interval, which made every pod take seconds to close.
    Waits.until("pids " + tree.stream().map(ProcessHandle::pid).toList() + " to exit", EXIT_WAIT,
        () -> tree.stream().allMatch(ProcessTrees::isGone));
  }

  /**
   * Dead or a zombie: a killed grandchild is re-parented to init, which may take a second to
   * reap it, but a zombie holds no socket and no namespace any more.
   */
  static boolean isGone(ProcessHandle process) {
    if (!process.isAlive()) {
      return true;
    }
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"));
      // "pid (comm) S ...": the state follows the last ')', since comm may contain one.
      return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (IOException e) {
      return true;
    }
  }
}
