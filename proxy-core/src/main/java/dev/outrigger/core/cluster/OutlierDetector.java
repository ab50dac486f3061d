package dev.outrigger.core.cluster;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Envoy's consecutive-failure outlier detection for one cluster: a host that fails N times in a
 * row (5xx, or 502/503/504 for the gateway detector; a connection failure counts for both) is
 * ejected for base ejection time × the number of times it was ejected, unless that would eject
 * more than max ejection percent of the hosts. Thread-safe: results come from every event loop.
 */
public final class OutlierDetector {
  private final OutlierDetection policy;
  private final LongSupplier nanoClock;
  private final Map<InetSocketAddress, HostRecord> hosts = new HashMap<>();

  private static final class HostRecord {
    int consecutive5xx;
    int consecutiveGateway;
    int ejections;
    long ejectedUntil;
  }

  public OutlierDetector(OutlierDetection policy, LongSupplier nanoClock) {
    this.policy = policy;
    this.nanoClock = nanoClock;
  }

  /** The outcome of one request to {@code host}: an HTTP status, or 0 for a connection failure. */
  public synchronized void record(InetSocketAddress host, int status, int clusterSize) {
    HostRecord r = hosts.computeIfAbsent(host, h -> new HostRecord());
    boolean connectFailure = status == 0;
    boolean fiveXx = connectFailure || status >= 500;
    boolean gateway = connectFailure || status == 502 || status == 503 || status == 504;
    r.consecutive5xx = fiveXx ? r.consecutive5xx + 1 : 0;
    r.consecutiveGateway = gateway ? r.consecutiveGateway + 1 : 0;
    boolean trip = policy.consecutive5xx() > 0 && r.consecutive5xx >= policy.consecutive5xx()
        || policy.consecutiveGatewayFailure() > 0 && r.consecutiveGateway >= policy.consecutiveGatewayFailure();
    long now = nanoClock.getAsLong();
    if (trip && !ejected(r, now) && ejectedCount(now) + 1 <= maxEjected(clusterSize)) {
      r.ejections++;
      r.ejectedUntil = now + policy.baseEjectionTime().toNanos() * r.ejections;
      r.consecutive5xx = 0;
      r.consecutiveGateway = 0;
    }
  }

  /** Whether the host is ejected now. */
  public synchronized boolean isEjected(InetSocketAddress host) {
    HostRecord r = hosts.get(host);
    return r != null && ejected(r, nanoClock.getAsLong());
  }

  /** The hosts not ejected, in order. */
  public synchronized List<Endpoint> available(List<Endpoint> endpoints) {
    long now = nanoClock.getAsLong();
    return endpoints.stream().filter(e -> {
      HostRecord r = hosts.get(e.address());
      return r == null || !ejected(r, now);
    }).toList();
  }

  private static boolean ejected(HostRecord r, long now) {
    return r.ejections > 0 && now - r.ejectedUntil < 0;
  }

  private long ejectedCount(long now) {
    return hosts.values().stream().filter(r -> ejected(r, now)).count();
  }

  /** Envoy ejects at least one host even when the percentage rounds down to none. */
  private long maxEjected(int clusterSize) {
    return Math.max(1, (long) Math.floor(clusterSize * policy.maxEjectionPercent() / 100.0));
  }
}
