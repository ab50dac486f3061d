package dev.outrigger.it.apps;

import dev.outrigger.it.harness.CommandResult;
import dev.outrigger.it.harness.Pod;
import java.time.Duration;
import java.util.List;

/** curl from inside a pod. */
public final class Curl {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  private Curl() {}

  public static CommandResult get(Pod from, String url) {
    return from.exec(TIMEOUT, List.of("curl", "-sS", "--max-time", "10", url));
  }
}
