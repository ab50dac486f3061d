package dev.outrigger.it.sidecar;

import dev.outrigger.it.harness.CommandResult;
import dev.outrigger.it.harness.Pod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The product under test: bin/outrigger of this checkout and the commands run through it. */
public final class Outrigger {
  /** The arguments Istio's injector gives istio-iptables for a default sidecar. */
  public static final List<String> ISTIO_DEFAULT_IPTABLES_FLAGS = List.of(
      "-p", "15001", "-z", "15006", "-u", "1337", "-m", "REDIRECT",
      "-i", "*", "-x", "", "-b", "*", "-d", "15090,15021,15020");
  public static final String ROOT_PROPERTY = "outrigger.root";
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

  private Outrigger() {}

  /** The repository root: -Doutrigger.root (failsafe sets it), else the nearest parent with bin/outrigger. */
  public static Path root() {
    String configured = System.getProperty(ROOT_PROPERTY);
    if (configured != null) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("bin/outrigger"))) {
        return dir;
      }
    }
    throw new IllegalStateException("cannot find bin/outrigger above " + Path.of("").toAbsolutePath()
        + "; set -D" + ROOT_PROPERTY + "=<repository root>");
  }

  public static Path launcher() {
    return root().resolve("bin/outrigger");
  }

  /** Where bin/outrigger looks first in a source checkout; built by `mvn package`. */
  public static Path jar() {
    return root().resolve("proxy-agent/target/outrigger.jar");
  }

  /** `bin/outrigger iptables <flags>` as root inside the pod, like Istio's init container. */
  public static CommandResult iptables(Pod pod, List<String> flags) {
    List<String> argv = new ArrayList<>(List.of(launcher().toString(), "iptables"));
    argv.addAll(flags);
    return pod.exec(COMMAND_TIMEOUT, argv);
  }

  /** `bin/outrigger wait <flags>` inside the pod, like the postStart hook of holdApplicationUntilProxyStarts. */
  public static CommandResult await(Pod pod, Duration commandTimeout, List<String> flags) {
    List<String> argv = new ArrayList<>(List.of(launcher().toString(), "wait"));
    argv.addAll(flags);
    return pod.exec(commandTimeout, argv);
  }
}
