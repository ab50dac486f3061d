package dev.outrigger.it.harness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** `ip netns` operations, including the last-resort sweep of every process inside a namespace. */
final class Namespaces {
  private static final Duration SWEEP_TIMEOUT = Duration.ofSeconds(10);

  private Namespaces() {}

  static void add(String netns) {
    Commands.run("ip", "netns", "add", netns).requireSuccess();
  }

  static List<String> list() {
    // Lines look like "orit-it-x-client (id: 3)" or just "orit-it-x-client".
    return Commands.run("ip", "netns", "list").requireSuccess().stdout().lines()
        .map(line -> line.split(" ", 2)[0])
        .filter(name -> !name.isBlank())
        .toList();
  }

  /**
   * Kills everything still running in the namespace, whoever started it: a forked ncat or an
   * nginx worker survives its parent's death, and a live process would keep the namespace alive.
   */
  static void killAllProcesses(String netns) {
    Waits.until("no process left in " + netns, SWEEP_TIMEOUT, () -> {
      List<Long> pids = pids(netns);
      pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
      return pids.isEmpty() ? Optional.of(Boolean.TRUE) : Optional.empty();
    });
  }

  static void delete(String netns) {
    killAllProcesses(netns);
    Commands.run("ip", "netns", "delete", netns).requireSuccess();
  }

  static void deleteIfPresent(String netns) {
    if (list().contains(netns)) {
      delete(netns);
    }
  }

  /** Runs `ip -n <netns> <args>`, which must succeed. */
  static void ip(String netns, String... args) {
    List<String> argv = new ArrayList<>(List.of("ip", "-n", netns));
    argv.addAll(List.of(args));
    Commands.run(Commands.DEFAULT_TIMEOUT, argv).requireSuccess();
  }

  private static List<Long> pids(String netns) {
    CommandResult result = Commands.run("ip", "netns", "pids", netns);
    if (!result.succeeded()) {
      return List.of();
    }
    return Arrays.stream(result.stdout().split("\\s+")).filter(s -> !s.isBlank()).map(Long::parseLong).toList();
  }
}
