package dev.outrigger.it.sidecar;

import dev.outrigger.it.harness.Commands;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The launcher path the proxy user (uid 1337) runs. Normally bin/outrigger itself; but a checkout
 * under /root is unreadable for uid 1337, and then an identical copy of the launcher and jar is
 * placed in a world-readable directory, keeping the layout bin/outrigger expects.
 */
final class ProxyLauncher {
  private ProxyLauncher() {}

  static Path forProxyUser(Path stagingDir) {
    Path launcher = Outrigger.launcher();
    Path jar = Outrigger.jar();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: build it first with `mvn -B package` at " + Outrigger.root());
    }
    if (readableByProxyUser(launcher, jar)) {
      return launcher;
    }
    return stage(launcher, jar, stagingDir.resolve("outrigger"));
  }

  private static boolean readableByProxyUser(Path launcher, Path jar) {
    return Commands.run("setpriv", "--reuid=" + Sidecar.PROXY_UID, "--regid=" + Sidecar.PROXY_UID, "--clear-groups",
        "sh", "-c", "test -x \"$0\" && test -r \"$1\"", launcher.toString(), jar.toString()).succeeded();
  }

  private static Path stage(Path launcher, Path jar, Path dir) {
    try {
      Path stagedLauncher = dir.resolve("bin/outrigger");
      Path stagedJar = dir.resolve("proxy-agent/target/outrigger.jar");
      if (!Files.exists(stagedLauncher)) {
        Files.createDirectories(stagedLauncher.getParent());
        Files.createDirectories(stagedJar.getParent());
        Files.copy(jar, stagedJar, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(launcher, stagedLauncher, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(stagedLauncher, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
      return stagedLauncher;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot stage the launcher in " + dir, e);
    }
  }
}
