package dev.outrigger.core.cluster;

import java.time.Duration;

/**
 * When a host is ejected from balancing for a while (Envoy's outlier detection, as a
 * DestinationRule's outlierDetection compiles to it). A threshold of 0 is a detector that is off
 * (in Envoy: not enforced).
 *
 * @param consecutive5xx ejects after this many 5xx (and connection failures) in a row
 * @param consecutiveGatewayFailure ejects after this many 502/503/504 (and connection failures) in a row
 * @param baseEjectionTime an ejection lasts this long times the number of times the host was ejected
 * @param maxEjectionPercent at most this share of the cluster's hosts is ejected at once
 */
public record OutlierDetection(int consecutive5xx, int consecutiveGatewayFailure, Duration interval,
    Duration baseEjectionTime, int maxEjectionPercent) {}
