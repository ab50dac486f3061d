package dev.outrigger.core.http;

import dev.outrigger.core.route.ClusterTarget;
import dev.outrigger.core.route.Upstream;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A cluster for tests: retries pick the given endpoints in turn (the last one again once they are
 * used up), and every call the data path makes is recorded.
 */
final class RecordingTarget implements ClusterTarget {
  final List<String> events = new CopyOnWriteArrayList<>();
  final AtomicInteger requestsStarted = new AtomicInteger();
  final AtomicInteger requestsDone = new AtomicInteger();
  final AtomicInteger retriesHeld = new AtomicInteger();
  volatile boolean requestsAllowed = true;
  volatile int maxRetries = Integer.MAX_VALUE;
  private final Queue<Upstream> picks;
  private volatile Upstream last;

  RecordingTarget(Upstream... picks) {
    this.picks = new ConcurrentLinkedQueue<>(List.of(picks));
  }

  @Override
  public Optional<Upstream> pick() {
    Upstream next = picks.poll();
    if (next != null) {
      last = next;
    }
    events.add("pick " + port(last));
    return Optional.ofNullable(last);
  }

  @Override
  public void attemptStarted(Upstream host) {
    events.add("started " + port(host));
  }

  @Override
  public void attemptEnded(Upstream host, int status) {
    events.add("ended " + port(host) + " " + status);
  }

  @Override
  public void attemptCancelled(Upstream host) {
    events.add("cancelled " + port(host));
  }

  @Override
  public boolean tryStartRequest() {
    if (!requestsAllowed) {
      return false;
    }
    requestsStarted.incrementAndGet();
    return true;
  }

  @Override
  public void requestDone() {
    requestsDone.incrementAndGet();
  }

  @Override
  public boolean tryStartRetry() {
    if (retriesHeld.get() >= maxRetries) {
      return false;
    }
    retriesHeld.incrementAndGet();
    return true;
  }

  @Override
  public void retryDone() {
    retriesHeld.decrementAndGet();
  }

  private static String port(Upstream u) {
    return u == null ? "none" : Integer.toString(u.address().getPort());
  }
}
