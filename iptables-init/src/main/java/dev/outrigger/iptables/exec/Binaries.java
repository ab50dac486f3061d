package dev.outrigger.iptables.exec;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Finds programs by name. The sbin directories are searched after $PATH because images often leave
 * them out of a non-root PATH while iptables lives there.
 */
public final class Binaries {
  private static final List<String> SBIN = List.of("/usr/local/sbin", "/usr/sbin", "/sbin");

  private final List<Path> directories;

  public Binaries(List<Path> directories) {
    this.directories = List.copyOf(directories);
  }

  public static Binaries fromPath(String pathVariable) {
    Set<String> dirs = new LinkedHashSet<>();
    if (pathVariable != null) {
      for (String dir : pathVariable.split(File.pathSeparator)) {
        if (!dir.isEmpty()) {
          dirs.add(dir);
        }
      }
    }
    dirs.addAll(SBIN);
    List<Path> paths = new ArrayList<>();
    dirs.forEach(dir -> paths.add(Path.of(dir)));
    return new Binaries(paths);
  }

  public Optional<Path> find(String name) {
    return directories.stream()
        .map(dir -> dir.resolve(name))
        .filter(path -> Files.isRegularFile(path) && Files.isExecutable(path))
        .findFirst();
  }

  public Path require(String name, String purpose) throws IptablesException {
    return find(name).orElseThrow(() -> new IptablesException(
        name + " not found (needed to " + purpose + "; searched " + describe() + "): install the iptables/iproute2 package"));
  }

  private String describe() {
    return String.join(":", directories.stream().map(Path::toString).toList());
  }
}
