package dev.outrigger.core.http;

import dev.outrigger.core.route.table.FaultPolicy;
import java.util.function.DoubleSupplier;

/**
 * The route's faults for one request, drawn as Envoy's fault filter draws them: the delay and the
 * abort each apply to their percentage of requests, independently, per request.
 */
final class FaultInjection {
  private final FaultPolicy policy;
  /** Uniform in [0, 100). */
  private final DoubleSupplier percentile;

  FaultInjection(FaultPolicy policy, DoubleSupplier percentile) {
    this.policy = policy;
    this.percentile = percentile;
  }

  /** Whether this request is held for {@link FaultPolicy#delay()} before it is routed. */
  boolean delays() {
    return !policy.delay().isZero() && drawn(policy.delayPercent());
  }

  /** Whether this request is answered with {@link FaultPolicy#abortStatus()} instead of routed. */
  boolean aborts() {
    return policy.abortStatus() > 0 && drawn(policy.abortPercent());
  }

  private boolean drawn(double percent) {
    return percent > 0 && percentile.getAsDouble() < percent;
  }
}
