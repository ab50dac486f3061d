package dev.outrigger.it.apps;

import dev.outrigger.it.harness.CommandResult;
import dev.outrigger.it.harness.Pod;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** curl from inside a pod. */
public final class Curl {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  /** Printed after the transfer: what {@link CurlExchange} reads besides headers and body. */
  private static final String WRITE_OUT = "%{http_code} %{http_version} %{local_port} %{num_connects}";

  private Curl() {}

  public static CommandResult get(Pod from, String url) {
    return from.exec(TIMEOUT, List.of("curl", "-sS", "--max-time", "10", url));
  }

  /**
   * One request with the given extra curl options (e.g. {@code --http2-prior-knowledge}, {@code -H}),
   * its response headers and body kept apart in files of the pod's work dir.
   */
  public static CurlExchange exchange(Pod from, String url, List<String> options) {
    try {
      Path dir = Files.createTempDirectory(from.workDir(), "curl-");
      Path headers = dir.resolve("headers");
      Path body = dir.resolve("body");
      List<String> argv = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10",
          "-D", headers.toString(), "-o", body.toString(), "-w", WRITE_OUT));
      argv.addAll(options);
      argv.add(url);
      CommandResult result = from.exec(TIMEOUT, argv);
      CurlExchange exchange = CurlExchange.parse(result, read(headers), read(body));
      delete(dir);
      return exchange;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep curl's output in " + from.workDir(), e);
    }
  }

  private static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file) : "";
  }

  /** Removes what one exchange wrote; the network's work dir goes anyway, this keeps it small. */
  private static void delete(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      for (Path file : files.toList()) {
        Files.delete(file);
      }
    }
    Files.delete(dir);
  }
}
