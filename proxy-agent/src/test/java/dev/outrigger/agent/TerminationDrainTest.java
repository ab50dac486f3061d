package dev.outrigger.agent;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** How long the process stays up after SIGTERM, as Istio's agent decides it. */
class TerminationDrainTest {
  @Test
  void byDefaultTheWholeTerminationDrainDurationIsWaitedEvenWithNothingOpen() throws Exception {
    TerminationDrain drain = new TerminationDrain(Duration.ofMillis(600), false, Duration.ofMillis(100));

    Duration took = timed(() -> drain.await(() -> 0));

    assertTrue(took.compareTo(Duration.ofMillis(600)) >= 0, "exited after " + took);
  }

  @Test
  void exitOnZeroWaitsTheMinimumThenExitsOnceNothingIsOpen() throws Exception {
    TerminationDrain drain = new TerminationDrain(Duration.ofSeconds(30), true, Duration.ofMillis(200));
    // Two connections until 700 ms after the start, then none.
    AtomicLong open = new AtomicLong(2);
    Thread closer = new Thread(() -> {
      sleep(700);
      open.set(0);
    });
    closer.start();

    Duration took = timed(() -> drain.await(open::get));

    assertTrue(took.compareTo(Duration.ofMillis(700)) >= 0, "exited while connections were open: " + took);
    assertTrue(took.compareTo(Duration.ofMillis(700).plus(TerminationDrain.POLL).plusMillis(400)) < 0,
        "exited only after " + took + " (the termination drain duration does not apply)");
    closer.join();
  }

  @Test
  void exitOnZeroNeverExitsBeforeTheMinimumDrainDuration() throws Exception {
    TerminationDrain drain = new TerminationDrain(Duration.ofSeconds(30), true, Duration.ofMillis(500));

    Duration took = timed(() -> drain.await(() -> 0));

    assertTrue(took.compareTo(Duration.ofMillis(500)) >= 0, "exited after " + took);
    assertTrue(took.compareTo(Duration.ofMillis(1500)) < 0, "exited only after " + took);
  }

  private interface Wait {
    void run() throws InterruptedException;
  }

  private static Duration timed(Wait wait) throws InterruptedException {
    long start = System.nanoTime();
    wait.run();
    return Duration.ofNanos(System.nanoTime() - start);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
