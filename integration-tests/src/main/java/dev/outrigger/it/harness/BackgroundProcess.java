package dev.outrigger.it.harness;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A long-running process (server, sidecar, client) whose output is collected as it runs. */
public final class BackgroundProcess implements AutoCloseable {
  private static final Duration OUTPUT_DRAIN = Duration.ofSeconds(5);
  private final String name;
  private final Process process;
  private final OutputLines stdout;
  private final OutputLines stderr;

  private BackgroundProcess(String name, Process process) {
    this.name = name;
    this.process = process;
    this.stdout = OutputLines.follow(name + "-stdout", process.getInputStream());
    this.stderr = OutputLines.follow(name + "-stderr", process.getErrorStream());
  }

  static BackgroundProcess start(String name, List<String> argv) {
    try {
      return new BackgroundProcess(name, Commands.builder(argv).start());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + String.join(" ", argv), e);
    }
  }

  public String name() {
    return name;
  }

  public ProcessHandle handle() {
    return process.toHandle();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public List<String> stdoutLines() {
    return stdout.snapshot();
  }

  public List<String> stderrLines() {
    return stderr.snapshot();
  }

  /** The process's standard input, for clients driven step by step. */
  public OutputStream stdin() {
    return process.getOutputStream();
  }

  public void closeStdin() {
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close stdin of " + name, e);
    }
  }

  /** Waits for a stdout line matching the predicate; fails early once stdout has ended without one. */
  public String awaitStdoutLine(String what, Duration timeout, Predicate<String> matcher) {
    return awaitLine(stdout, "stdout", what, timeout, matcher);
  }

  /** Waits for a stderr line matching the predicate; fails early once stderr has ended without one. */
  public String awaitStderrLine(String what, Duration timeout, Predicate<String> matcher) {
    return awaitLine(stderr, "stderr", what, timeout, matcher);
  }

  private String awaitLine(OutputLines output, String stream, String what, Duration timeout, Predicate<String> matcher) {
    return Waits.until(what + " on " + stream + " of " + name, timeout, () -> {
      // Read "ended" before the lines: lines read after it are then known to be all there is.
      boolean ended = output.isComplete();
      Optional<String> line = output.snapshot().stream().filter(matcher).findFirst();
      if (line.isEmpty() && ended) {
        throw new CommandFailedException(name + " closed its " + stream + " before printing " + what + "\n"
            + describeOutput());
      }
      return line;
    });
  }

  /**
   * Waits for the process to exit by itself and returns its exit code. Its output is then read to
   * the end: the process can be gone while its last line (curl's -w without a newline) is still in
   * the pipe, on its way to the reader.
   */
  public int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new WaitTimeoutException(name + " still running after " + timeout.toMillis() + " ms\n" + describeOutput());
      }
      // Bounded: a child the process left behind may hold the pipes open.
      long deadline = System.nanoTime() + OUTPUT_DRAIN.toNanos();
      while (!(stdout.isComplete() && stderr.isComplete()) && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for " + name, e);
    }
  }

  public String describeOutput() {
    return "--- stdout of " + name + " ---\n" + String.join("\n", stdoutLines())
        + "\n--- stderr of " + name + " ---\n" + String.join("\n", stderrLines());
  }

  /** Kills the process and all its descendants; safe to call more than once. */
  @Override
  public void close() {
    ProcessTrees.kill(process.toHandle());
  }
}
