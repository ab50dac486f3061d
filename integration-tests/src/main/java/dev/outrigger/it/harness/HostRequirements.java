package dev.outrigger.it.harness;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Whether this host can run pod networks: root, network namespaces and the tools the apps use. */
public final class HostRequirements {
  private static final List<String> TOOLS =
      List.of("ip", "ss", "iptables", "iptables-save", "ncat", "nginx", "curl", "h2load", "setpriv");

  private HostRequirements() {}

  /** Empty when everything is there; otherwise a sentence saying what is missing. */
  public static Optional<String> missing() {
    if (!isRoot()) {
      return Optional.of("pod networks need root (network namespaces, veth links, iptables); run as root or via sudo");
    }
    for (String tool : TOOLS) {
      if (!onPath(tool)) {
        return Optional.of("'" + tool + "' is not installed; scripts/test installs everything the tests need");
      }
    }
    return namespaceProbe();
  }

  private static boolean isRoot() {
    try {
      return Files.readAllLines(Path.of("/proc/self/status")).stream()
          .filter(line -> line.startsWith("Uid:"))
          .anyMatch(line -> line.split("\\s+")[1].equals("0"));
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean onPath(String tool) {
    String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    for (String dir : path.split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  /** Root in a container without CAP_SYS_ADMIN can run `ip` but not create a namespace. */
  private static Optional<String> namespaceProbe() {
    String probe = Names.probeNamespace(ProcessHandle.current().pid());
    CommandResult added = Commands.run("ip", "netns", "add", probe);
    if (!added.succeeded()) {
      return Optional.of("cannot create a network namespace (`ip netns add` failed: " + added.printed() + ")");
    }
    Commands.run("ip", "netns", "delete", probe);
    return Optional.empty();
  }
}
