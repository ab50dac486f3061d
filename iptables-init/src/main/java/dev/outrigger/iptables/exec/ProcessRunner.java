package dev.outrigger.iptables.exec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs programs as child processes, optionally behind a prefix such as {@code ip netns exec <ns>}
 * so the same code can work on another network namespace.
 */
public final class ProcessRunner implements CommandRunner {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final List<String> prefix;

  public ProcessRunner(List<String> prefix) {
    this.prefix = List.copyOf(prefix);
  }

  public static ProcessRunner direct() {
    return new ProcessRunner(List.of());
  }

  @Override
  public CommandResult run(List<String> command, String stdin) throws IOException {
    List<String> argv = new ArrayList<>(prefix);
    argv.addAll(command);
    Process process = new ProcessBuilder(argv).start();
    // Both pipes are drained concurrently: a chatty stderr must not block a large iptables-save.
    CompletableFuture<String> out = drain(process.getInputStream());
    CompletableFuture<String> err = drain(process.getErrorStream());
    try (OutputStream in = process.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    }
    try {
      if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(String.join(" ", argv) + " did not finish within " + TIMEOUT.toSeconds() + "s");
      }
      return new CommandResult(process.exitValue(), out.get(), err.get());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IOException("interrupted while running " + argv.get(0), e);
    } catch (ExecutionException e) {
      throw new IOException("could not read the output of " + argv.get(0), e.getCause());
    }
  }

  private static CompletableFuture<String> drain(InputStream stream) {
    return CompletableFuture.supplyAsync(() -> {
      try (stream) {
        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
  }
}
