package dev.outrigger.it.bench;

import dev.outrigger.it.xds.ControlPlane;
import dev.outrigger.it.xds.MeshConfig;
import dev.outrigger.it.xds.Versions;
import dev.outrigger.it.xds.XdsType;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Publishes a configuration and times it until the sidecar ACKed every type that changed, with
 * the sidecar's CPU seconds over the same interval. The ACK is the sidecar's word that the update
 * is applied: Outrigger sends it after the new configuration is in force.
 */
final class Pushes {
  /** Fine enough for pushes of a few milliseconds; the harness's own waits poll every 25 ms. */
  private static final long POLL_NANOS = 1_000_000;

  private final ControlPlane controlPlane;
  private final ProxyProcess proxy;

  Pushes(ControlPlane controlPlane, ProxyProcess proxy) {
    this.controlPlane = controlPlane;
    this.proxy = proxy;
  }

  /** One push: the types whose version moved, publish → last ACK, and the sidecar's CPU in between. */
  record Push(String kind, Set<XdsType> types, double millis, double cpuSeconds) {}

  /** The sidecar exited (e.g. -XX:+ExitOnOutOfMemoryError) or NACKed while a push was awaited. */
  static final class PushFailed extends RuntimeException {
    PushFailed(String message) {
      super(message);
    }
  }

  Push push(String kind, MeshConfig config, Duration timeout) {
    Versions before = controlPlane.versions();
    int seen = controlPlane.requests().size();
    double cpuBefore = proxy.cpuSeconds();
    long start = System.nanoTime();
    Versions after = controlPlane.publish(config);
    Set<XdsType> changed = EnumSet.noneOf(XdsType.class);
    for (XdsType type : XdsType.values()) {
      if (!after.of(type).equals(before.of(type))) {
        changed.add(type);
      }
    }
    awaitAcks(after, changed, seen, start + timeout.toNanos());
    long end = System.nanoTime();
    double cpuAfter = proxy.cpuSeconds();
    return new Push(kind, changed, (end - start) / 1e6, cpuAfter - cpuBefore);
  }

  private void awaitAcks(Versions versions, Set<XdsType> types, int seen, long deadline) {
    Set<XdsType> pending = EnumSet.copyOf(types.isEmpty() ? EnumSet.noneOf(XdsType.class) : types);
    while (!pending.isEmpty()) {
      List<ControlPlane.Request> requests = controlPlane.requests();
      for (ControlPlane.Request r : requests.subList(seen, requests.size())) {
        if (r.isNack()) {
          throw new PushFailed("the sidecar NACKed " + r);
        }
        if (!r.nonce().isEmpty() && pending.contains(r.type()) && r.version().equals(versions.of(r.type()))) {
          pending.remove(r.type());
        }
      }
      if (pending.isEmpty()) {
        return;
      }
      if (!proxy.isAlive()) {
        throw new PushFailed("the sidecar exited while " + pending + " were not ACKed");
      }
      if (System.nanoTime() > deadline) {
        throw new PushFailed("no ACK of " + pending + " within the timeout");
      }
      java.util.concurrent.locks.LockSupport.parkNanos(POLL_NANOS);
    }
  }
}
