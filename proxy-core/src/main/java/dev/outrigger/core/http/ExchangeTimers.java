package dev.outrigger.core.http;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The clocks of one exchange: the stream idle timeout, the route timeout, the current attempt's
 * per-try timeout, and the one wait in progress (a fault delay or a retry's back-off). All stop
 * when the exchange ends. Event loop only.
 */
final class ExchangeTimers {
  private final EventLoop loop;
  private StreamIdleTimer idle;
  private ScheduledFuture<?> routeTimeout;
  private ScheduledFuture<?> perTryTimeout;
  private ScheduledFuture<?> wait;

  ExchangeTimers(EventLoop loop) {
    this.loop = loop;
  }

  /** Envoy's stream_idle_timeout; zero for none. */
  void startIdle(Duration streamIdle, Runnable onIdle) {
    idle = new StreamIdleTimer(loop, streamIdle, onIdle);
  }

  /** The route timeout, for the whole request with all its attempts; zero for none. */
  void startRoute(Duration route, Runnable onTimeout) {
    routeTimeout = schedule(route, onTimeout);
  }

  /** The current attempt's limit; replaces the previous attempt's. Zero for none. */
  void startPerTry(Duration perTry, Runnable onTimeout) {
    stopPerTry();
    perTryTimeout = schedule(perTry, onTimeout);
  }

  void stopPerTry() {
    if (perTryTimeout != null) {
      perTryTimeout.cancel(false);
      perTryTimeout = null;
    }
  }

  /** Runs {@code then} after {@code delay}: a fault delay, or the back-off before a retry. */
  void waitThen(Duration delay, Runnable then) {
    wait = loop.schedule(then, delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Something moved on the request or the response. */
  void activity() {
    if (idle != null) {
      idle.activity();
    }
  }

  void stop() {
    if (idle != null) {
      idle.stop();
    }
    for (ScheduledFuture<?> f : new ScheduledFuture<?>[] {routeTimeout, perTryTimeout, wait}) {
      if (f != null) {
        f.cancel(false);
      }
    }
  }

  private ScheduledFuture<?> schedule(Duration after, Runnable task) {
    long millis = after.toMillis();
    return millis > 0 ? loop.schedule(task, millis, TimeUnit.MILLISECONDS) : null;
  }
}
