package dev.outrigger.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Removes what a crashed earlier run left behind. Only called while holding {@link HostLock},
 * so every orit-it* namespace and work directory found belongs to a dead run. Links need no
 * sweep: they all live inside those namespaces and go with them.
 */
final class StaleResources {
  private static final System.Logger LOG = System.getLogger(StaleResources.class.getName());

  private StaleResources() {}

  static void removeAll() {
    for (String netns : Namespaces.list()) {
      // Another test JVM may be probing right now, without the lock: its probe is not stale.
      if (netns.startsWith(Names.NAMESPACE_PREFIX) && !Names.isProbeOfLiveProcess(netns)) {
        LOG.log(System.Logger.Level.WARNING, "removing stale network namespace {0}", netns);
        Namespaces.delete(netns);
      }
    }
    removeWorkDirectories();
  }

  private static void removeWorkDirectories() {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    try (Stream<Path> entries = Files.list(tmp)) {
      entries.filter(path -> path.getFileName().toString().startsWith(Names.WORK_DIR_PREFIX))
          .forEach(StaleResources::deleteTree);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + tmp, e);
    }
  }

  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      List<Path> deepestFirst = paths.sorted(Comparator.reverseOrder()).toList();
      for (Path path : deepestFirst) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root, e);
    }
  }
}
