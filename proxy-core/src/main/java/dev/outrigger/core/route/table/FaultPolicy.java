package dev.outrigger.core.route.table;

import java.time.Duration;

/**
 * Faults injected on a route (Envoy's HTTP fault filter, per route, as Istio's VirtualService
 * {@code fault} compiles to it). Percentages are of requests, 0-100.
 *
 * @param delay how long to hold a delayed request (zero: none)
 * @param abortStatus the status an aborted request gets (0: none)
 */
public record FaultPolicy(Duration delay, double delayPercent, int abortStatus, double abortPercent) {
  public static final FaultPolicy NONE = new FaultPolicy(Duration.ZERO, 0, 0, 0);

  public boolean isNone() {
    return delayPercent == 0 && abortPercent == 0;
  }
}
