package dev.outrigger.core.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Consecutive-failure ejection as Envoy does it, on a hand-driven clock. */
class OutlierDetectorTest {
  private final AtomicLong now = new AtomicLong();
  private static final InetSocketAddress A = new InetSocketAddress("10.244.0.1", 9080);
  private static final InetSocketAddress B = new InetSocketAddress("10.244.0.2", 9080);

  private OutlierDetector detector(int fiveXx, int gateway, int maxPercent) {
    return new OutlierDetector(new OutlierDetection(fiveXx, gateway, Duration.ofSeconds(10), Duration.ofSeconds(30),
        maxPercent), now::get);
  }

  @Test
  void ejectsAfterConsecutive5xxForBaseTimeTimesEjections() {
    OutlierDetector d = detector(3, 0, 100);
    d.record(A, 500, 2);
    d.record(A, 200, 2);
    d.record(A, 503, 2);
    d.record(A, 0, 2);
    assertFalse(d.isEjected(A), "a success in between resets the count");
    d.record(A, 500, 2);
    assertTrue(d.isEjected(A));
    now.addAndGet(Duration.ofSeconds(30).toNanos());
    assertFalse(d.isEjected(A), "back after base ejection time");
    for (int i = 0; i < 3; i++) {
      d.record(A, 502, 2);
    }
    now.addAndGet(Duration.ofSeconds(59).toNanos());
    assertTrue(d.isEjected(A), "the second ejection lasts twice as long");
  }

  @Test
  void theGatewayDetectorIgnoresOther5xx() {
    OutlierDetector d = detector(0, 2, 100);
    d.record(A, 500, 2);
    d.record(A, 500, 2);
    assertFalse(d.isEjected(A));
    d.record(A, 504, 2);
    d.record(A, 503, 2);
    assertTrue(d.isEjected(A));
  }

  @Test
  void neverEjectsMoreThanTheMaxPercentButAlwaysOne() {
    OutlierDetector d = detector(1, 0, 10);
    d.record(A, 500, 2);
    d.record(B, 500, 2);
    assertTrue(d.isEjected(A));
    assertFalse(d.isEjected(B), "10% of 2 hosts rounds to one ejection");
    Endpoint a = new Endpoint(A, 1, Endpoint.Health.HEALTHY, "", Map.of());
    Endpoint b = new Endpoint(B, 1, Endpoint.Health.HEALTHY, "", Map.of());
    assertEquals(List.of(b), d.available(List.of(a, b)));
  }

  @Test
  void circuitBreakersRefuseAtTheLimit() {
    CircuitBreaker cb = new CircuitBreaker(new CircuitBreakers(1, 1, 2, 0));
    assertTrue(cb.tryAcquire(CircuitBreaker.Resource.REQUESTS));
    assertTrue(cb.tryAcquire(CircuitBreaker.Resource.REQUESTS));
    assertFalse(cb.tryAcquire(CircuitBreaker.Resource.REQUESTS));
    cb.release(CircuitBreaker.Resource.REQUESTS);
    assertTrue(cb.tryAcquire(CircuitBreaker.Resource.REQUESTS));
    assertFalse(cb.tryAcquire(CircuitBreaker.Resource.RETRIES));
    assertEquals(2, cb.inUse(CircuitBreaker.Resource.REQUESTS));
  }
}
