package dev.outrigger.core.http;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Envoy's stream_idle_timeout for one exchange: fires when neither the request nor the response
 * moved for the timeout. Activity only records a time; the one scheduled check re-arms itself for
 * the remainder, so a streamed body costs no timer per chunk.
 */
final class StreamIdleTimer {
  private final EventLoop loop;
  private final long timeoutNanos;
  private final Runnable onIdle;
  private long lastActivityNanos = System.nanoTime();
  private ScheduledFuture<?> check;

  /** Starts the clock; a zero timeout never fires. */
  StreamIdleTimer(EventLoop loop, Duration timeout, Runnable onIdle) {
    this.loop = loop;
    this.timeoutNanos = timeout.toNanos();
    this.onIdle = onIdle;
    if (timeoutNanos > 0) {
      check = loop.schedule(this::check, timeoutNanos, TimeUnit.NANOSECONDS);
    }
  }

  void activity() {
    lastActivityNanos = System.nanoTime();
  }

  void stop() {
    if (check != null) {
      check.cancel(false);
      check = null;
    }
  }

  private void check() {
    if (check == null) {
      return;
    }
    long idle = System.nanoTime() - lastActivityNanos;
    if (idle >= timeoutNanos) {
      check = null;
      onIdle.run();
    } else {
      check = loop.schedule(this::check, timeoutNanos - idle, TimeUnit.NANOSECONDS);
    }
  }
}
