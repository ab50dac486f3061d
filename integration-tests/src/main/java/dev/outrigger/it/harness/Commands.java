package dev.outrigger.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs host commands to completion with a deadline, capturing what they print. */
public final class Commands {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private Commands() {}

  public static CommandResult run(String... argv) {
    return run(DEFAULT_TIMEOUT, List.of(argv));
  }

  public static CommandResult run(Duration timeout, List<String> argv) {
    return run(timeout, null, argv);
  }

  public static CommandResult run(Duration timeout, byte[] stdin, List<String> argv) {
    Path input = null;
    try {
      if (stdin != null) {
        input = Files.createTempFile("orit-it-stdin", ".bin");
        Files.write(input, stdin);
      }
      return runWithInput(timeout, input, argv);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      deleteQuietly(input);
    }
  }

  /**
   * Stdout and stderr go to files rather than pipes: nothing has to drain them while we wait, so
   * a command that prints a lot cannot block, and a command that hangs leaves what it printed.
   */
  public static CommandResult runWithInput(Duration timeout, Path stdinFile, List<String> argv) {
    Path out = null;
    Path err = null;
    try {
      out = Files.createTempFile("orit-it-out", ".txt");
      err = Files.createTempFile("orit-it-err", ".txt");
      ProcessBuilder builder = builder(argv)
          .redirectOutput(out.toFile())
          .redirectError(err.toFile())
          .redirectInput(stdinFile == null ? ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())
                                           : ProcessBuilder.Redirect.from(stdinFile.toFile()));
      Process process = builder.start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        ProcessTrees.kill(process.toHandle());
        throw new WaitTimeoutException("command did not finish within " + timeout.toMillis() + " ms: "
            + String.join(" ", argv) + "\n--- stdout so far ---\n" + read(out) + "\n--- stderr so far ---\n" + read(err));
      }
      return new CommandResult(List.copyOf(argv), process.exitValue(), read(out), read(err));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", argv), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + String.join(" ", argv), e);
    } finally {
      deleteQuietly(out);
      deleteQuietly(err);
    }
  }

  /**
   * A builder whose environment has no OUTRIGGER_* variables: settings reach the product only
   * through what a test passes explicitly, never from the shell that started the build.
   */
  static ProcessBuilder builder(List<String> argv) {
    ProcessBuilder builder = new ProcessBuilder(argv);
    builder.environment().keySet().removeIf(name -> name.startsWith("OUTRIGGER_"));
    return builder;
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  private static void deleteQuietly(Path file) {
    if (file == null) {
      return;
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // A temp file left behind is harmless; the command's result matters more than this.
    }
  }
}
