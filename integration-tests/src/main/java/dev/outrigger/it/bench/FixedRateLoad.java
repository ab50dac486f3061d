package dev.outrigger.it.bench;

import dev.outrigger.it.harness.CommandResult;
import dev.outrigger.it.harness.Pod;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * h2load over HTTP/1.1 at a fixed rate, as bench/run's latency phase runs it: each of the
 * connections paced at rate/connections with --rps, every request logged with its latency.
 */
final class FixedRateLoad {
  private static final Pattern REQUESTS = Pattern.compile(
      "requests: (\\d+) total, (\\d+) started, (\\d+) done, (\\d+) succeeded, (\\d+) failed, (\\d+) errored");

  private FixedRateLoad() {}

  record Result(int succeeded, int errors, double p50Millis, double p99Millis, double maxMillis) {}

  static Result run(Pod pod, String url, int seconds, int rate, int connections) {
    Path log = pod.workDir().resolve("h2load.log");
    try {
      Files.deleteIfExists(log);
      CommandResult out = pod.exec(Duration.ofSeconds(seconds + 30), List.of("h2load", "--h1", "-t1",
          "-c" + connections, "--rps=" + ((double) rate / connections), "-D" + seconds, "--log-file=" + log, url));
      Matcher m = REQUESTS.matcher(out.stdout());
      if (!m.find()) {
        throw new IllegalStateException("h2load printed no request counts: " + out.describe());
      }
      List<Double> latencies = new ArrayList<>();
      for (String line : Files.readAllLines(log)) {
        String[] parts = line.split("\\s+");
        if (parts.length == 3 && parts[1].equals("200")) {
          latencies.add(Long.parseLong(parts[2]) / 1000.0);
        }
      }
      Files.deleteIfExists(log);
      Collections.sort(latencies);
      return new Result(Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)) + Integer.parseInt(m.group(6)),
          percentile(latencies, 50), percentile(latencies, 99),
          latencies.isEmpty() ? Double.NaN : latencies.get(latencies.size() - 1));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The nearest-rank percentile, as bench/orbench/load.py computes it. */
  static double percentile(List<Double> sorted, double p) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    int rank = (int) Math.round(p / 100.0 * sorted.size() + 0.5) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank)));
  }
}
