package dev.outrigger.core.route;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Envoy's previous_hosts retry predicate over a cluster's picks. */
class ClusterTargetTest {
  private static final Upstream A = Upstream.direct(new InetSocketAddress("10.0.0.1", 80));
  private static final Upstream B = Upstream.direct(new InetSocketAddress("10.0.0.2", 80));

  /** Picks in the given order. */
  private static ClusterTarget picking(Upstream... order) {
    ArrayDeque<Upstream> picks = new ArrayDeque<>(List.of(order));
    return new ClusterTarget() {
      @Override
      public Optional<Upstream> pick() {
        return Optional.ofNullable(picks.poll());
      }

      @Override
      public void attemptStarted(Upstream host) {}

      @Override
      public void attemptEnded(Upstream host, int status) {}

      @Override
      public boolean tryStartRequest() {
        return true;
      }

      @Override
      public void requestDone() {}
    };
  }

  @Test
  void aRetryPicksAgainUntilItFindsAHostNotTriedYet() {
    assertEquals(Optional.of(B), picking(A, A, B).pick(Set.of(A), 5));
  }

  @Test
  void afterItsAttemptsTheLastPickIsTakenEvenIfTried() {
    assertEquals(Optional.of(A), picking(A, A, B).pick(Set.of(A), 2));
    assertEquals(Optional.of(A), picking(A, B).pick(Set.of(A), 1));
  }
}
