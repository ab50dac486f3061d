package dev.outrigger.core.overload;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the budget's sweep on its own thread (Envoy's overload manager refreshes its monitors on
 * a timer too), so paused connections are resumed and the largest reset even while every event
 * loop is busy.
 */
public final class OverloadMonitor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger("outrigger.overload");
  static final long SWEEP_INTERVAL_MILLIS = 50;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "overload-monitor");
    t.setDaemon(true);
    return t;
  });

  public OverloadMonitor(BufferBudget budget) {
    timer.scheduleWithFixedDelay(() -> {
      try {
        budget.sweep();
      } catch (RuntimeException | OutOfMemoryError e) {
        // A failed sweep must not end the timer: the next one starts from the accounts again.
        log.warn("overload sweep failed: {}", e.toString());
      }
    }, SWEEP_INTERVAL_MILLIS, SWEEP_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
