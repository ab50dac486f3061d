package dev.outrigger.agent;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How long the process stays up after SIGTERM once the drain has started, as Istio's agent decides
 * it ({@code pkg/envoy/agent.go terminate()}):
 * <ul>
 *   <li>by default it waits the whole termination drain duration (Istio's terminationDrainDuration,
 *       5 s), whatever is open;
 *   <li>with {@code EXIT_ON_ZERO_ACTIVE_CONNECTIONS=true} it waits {@code MINIMUM_DRAIN_DURATION}
 *       (5 s), then exits as soon as no connection is open on either capture listener. As in Istio,
 *       the termination drain duration does not bound this wait: the kubelet's
 *       terminationGracePeriodSeconds (SIGKILL) does.
 * </ul>
 * Istio polls Envoy's downstream_cx_active over HTTP once a second; the gauge is read in-process
 * here, every {@link #POLL}.
 *
 * @param terminationDrainDuration the default wait (OUTRIGGER_DRAIN_DURATION)
 * @param exitOnZeroActiveConnections EXIT_ON_ZERO_ACTIVE_CONNECTIONS
 * @param minimumDrainDuration MINIMUM_DRAIN_DURATION: the wait before connections are counted
 */
record TerminationDrain(Duration terminationDrainDuration, boolean exitOnZeroActiveConnections,
    Duration minimumDrainDuration) {
  private static final Logger log = LoggerFactory.getLogger(TerminationDrain.class);
  static final Duration POLL = Duration.ofMillis(100);
  /** Istio logs the count it still waits for on every poll (1 s); once a second here too. */
  private static final long LOG_EVERY_POLLS = Duration.ofSeconds(1).toMillis() / POLL.toMillis();

  static TerminationDrain defaults() {
    return new TerminationDrain(Duration.ofSeconds(5), false, Duration.ofSeconds(5));
  }

  /** Blocks the calling thread (never an event loop) until the process may exit. */
  void await(LongSupplier activeConnections) throws InterruptedException {
    if (!exitOnZeroActiveConnections) {
      log.info("graceful termination period is {}, starting", Durations.format(terminationDrainDuration));
      sleep(terminationDrainDuration);
      return;
    }
    log.info("draining for {}, then waiting for active connections to end", Durations.format(minimumDrainDuration));
    sleep(minimumDrainDuration);
    for (long polls = 0; ; polls++) {
      long active = activeConnections.getAsLong();
      if (active == 0) {
        log.info("no more active connections, exiting");
        return;
      }
      if (polls % LOG_EVERY_POLLS == 0) {
        log.info("still {} active connections", active);
      }
      sleep(POLL);
    }
  }

  private static void sleep(Duration d) throws InterruptedException {
    TimeUnit.NANOSECONDS.sleep(d.toNanos());
  }
}
