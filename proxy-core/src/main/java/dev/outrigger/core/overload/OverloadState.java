package dev.outrigger.core.overload;

/** How full the buffer budget is: what /stats and readiness report. */
public enum OverloadState {
  /** Below the saturation level: every connection is read as its peer drains. */
  NORMAL,
  /** At the saturation level: connections whose peer does not drain are no longer read. */
  SATURATED,
  /**
   * At the budget: the connections holding the most are being reset; until the total is back
   * under the saturation level, readiness fails.
   */
  EXHAUSTED
}
