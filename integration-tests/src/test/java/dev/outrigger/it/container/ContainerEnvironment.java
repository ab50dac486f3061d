package dev.outrigger.it.container;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * What the container tests need, made ready once per JVM: a docker daemon, the Outrigger image
 * built from this build's jar, and a tools image (ncat, nginx, curl) for the apps and the client,
 * both built from Debian's packages by docker/ scripts, which also install and start Debian's
 * dockerd when needed. Without CI=true and without a usable docker, the tests are skipped.
 */
final class ContainerEnvironment {
  static final String IMAGE = "outrigger/proxy:it";
  static final String TOOLS_IMAGE = "outrigger/it-tools:bookworm";
  private static final String TOOLS_PACKAGES = "ncat,nginx-light,curl,iproute2,procps";
  private static final long BUILD_MINUTES = 15;
  /**
   * Testcontainers' settings without which it pulls images from Docker Hub: its reaper (Ryuk), its
   * startup checks, and (inside a container) the lookup of the docker host's address.
   */
  static final Map<String, String> OFFLINE_SETTINGS = Map.of("TESTCONTAINERS_RYUK_DISABLED", "true",
      "TESTCONTAINERS_CHECKS_DISABLE", "true", "TESTCONTAINERS_HOST_OVERRIDE", "localhost");

  private static Boolean ready;

  private ContainerEnvironment() {}

  static Path root() {
    return Path.of(System.getProperty("outrigger.root", "..")).toAbsolutePath().normalize();
  }

  static boolean ci() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /** Skips (locally) or fails (in CI) with the reason when the images cannot be had. */
  static synchronized void require() {
    if (ready == null) {
      ready = prepare();
    }
    if (!ready) {
      throw new IllegalStateException("the container test environment failed to build earlier in this run");
    }
  }

  private static boolean prepare() {
    for (Map.Entry<String, String> setting : OFFLINE_SETTINGS.entrySet()) {
      String value = System.getenv(setting.getKey());
      if (value == null || value.isBlank()) {
        String why = setting.getKey() + " is not set: Testcontainers would pull an image from Docker Hub, which is not"
            + " reachable; the tests need these in their environment: " + OFFLINE_SETTINGS;
        if (ci()) {
          throw new IllegalStateException(why);
        }
        skip(why);
      }
    }
    if (!ci() && !dockerAnswers()) {
      skip("no docker daemon answers and CI is not set; with CI=true (as root on Debian) the test"
          + " installs docker.io and mmdebstrap, starts dockerd and builds the images itself");
    }
    run(List.of(root().resolve("docker/build.sh").toString(), "--local-base", "--tag", IMAGE));
    run(List.of(root().resolve("docker/build-base.sh").toString(), "--tag", TOOLS_IMAGE, "--include", TOOLS_PACKAGES));
    return true;
  }

  /** Skips the container tests, saying why in the build log as well as in the report. */
  private static void skip(String why) {
    System.err.println("container tests skipped: " + why);
    Assumptions.abort(why);
  }

  private static boolean dockerAnswers() {
    try {
      Process p = new ProcessBuilder("docker", "info").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void run(List<String> command) {
    try {
      Path log = Files.createTempFile("outrigger-image-build", ".log");
      Process p = new ProcessBuilder(command).directory(root().toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      if (!p.waitFor(BUILD_MINUTES, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException(command + " took over " + BUILD_MINUTES + " minutes; log: " + log);
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(command + " failed (exit " + p.exitValue() + "):\n"
            + Files.readString(log, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command, e);
    }
  }
}
