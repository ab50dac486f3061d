package dev.outrigger.core.http;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The clocks of one exchange: the route timeout and the stream idle timeout. Event loop only. */
final class ExchangeTimers {
  private final EventLoop loop;
  private ScheduledFuture<?> routeTimeout;
  private StreamIdleTimer idle;

  ExchangeTimers(EventLoop loop) {
    this.loop = loop;
  }

  /**
   * @param route the route timeout, zero for none
   * @param streamIdle Envoy's stream_idle_timeout, zero for none
   */
  void start(Duration route, Runnable onRouteTimeout, Duration streamIdle, Runnable onIdle) {
    if (route.toMillis() > 0) {
      routeTimeout = loop.schedule(onRouteTimeout, route.toMillis(), TimeUnit.MILLISECONDS);
    }
    idle = new StreamIdleTimer(loop, streamIdle, onIdle);
  }

  /** Something moved on the request or the response. */
  void activity() {
    if (idle != null) {
      idle.activity();
    }
  }

  void stop() {
    if (routeTimeout != null) {
      routeTimeout.cancel(false);
    }
    if (idle != null) {
      idle.stop();
    }
  }
}
