package dev.outrigger.core.overload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BufferBudgetTest {
  private static final long MIB = 1024 * 1024;
  private static final long BUDGET = 10 * MIB;
  private static final long SATURATION = BUDGET * BufferBudget.SATURATION_PERCENT / 100;

  /** A connection as the sweep sees it: what its peer has queued, and what was asked of it. */
  private static final class FakeReader implements ReadAccount.Reader {
    long queued = -1;
    int resumed;
    int resets;
    int resetChecks;

    @Override
    public long queued() {
      return queued;
    }

    @Override
    public void resume() {
      resumed++;
    }

    @Override
    public void reset() {
      resets++;
    }

    @Override
    public void checkPeerWhileNotRead() {
      resetChecks++;
    }
  }

  private final AtomicLong direct = new AtomicLong();
  private final BufferBudget budget =
      new BufferBudget(new OverloadSettings(BUDGET, 64 * 1024), direct::get, 64 * MIB);

  private ReadAccount holding(long bytes, FakeReader reader) {
    ReadAccount account = budget.open(reader);
    account.add(bytes);
    return account;
  }

  @Test
  void belowSaturationEveryConnectionIsReadWithFullBuffers() {
    ReadAccount big = holding(SATURATION - MIB, new FakeReader());
    assertTrue(budget.mayRead(big));
    assertEquals(65536, budget.readBufferBytes(65536));
    assertTrue(budget.mayContinueBurst(big, 0));
    budget.sweep();
    assertEquals(OverloadState.NORMAL, budget.state());
  }

  @Test
  void aBurstEndsAtItsBound() {
    ReadAccount account = holding(0, new FakeReader());
    assertTrue(budget.mayContinueBurst(account, 64 * 1024 - 1));
    assertFalse(budget.mayContinueBurst(account, 64 * 1024));
  }

  @Test
  void saturatedOnlyConnectionsWhosePeerDrainsAreReadAndWithSmallBuffers() {
    ReadAccount stuck = holding(SATURATION, new FakeReader());
    ReadAccount draining = holding(BufferBudget.DRAINING_BYTES, new FakeReader());
    assertFalse(budget.mayRead(stuck));
    assertFalse(budget.mayContinueBurst(stuck, 0));
    assertTrue(budget.mayRead(draining));
    assertTrue(budget.mayContinueBurst(draining, 0));
    assertEquals(BufferBudget.SATURATED_READ_BYTES, budget.readBufferBytes(65536));
    budget.sweep();
    assertEquals(OverloadState.SATURATED, budget.state());
    assertEquals(List.of(), budget.toReset());
  }

  @Test
  void directMemoryInUseSaturatesTheBudgetTooThoughTheAccountsHoldLittle() {
    ReadAccount account = holding(BufferBudget.DRAINING_BYTES + 1, new FakeReader());
    direct.set(64 * MIB / 8 * BufferBudget.DIRECT_SATURATION_EIGHTHS);
    assertFalse(budget.mayRead(account));
    budget.sweep();
    assertEquals(OverloadState.SATURATED, budget.state());
    direct.set(64 * MIB / 8 * BufferBudget.DIRECT_LIMIT_EIGHTHS);
    assertFalse(budget.mayContinueBurst(holding(0, new FakeReader()), 0));
    budget.sweep();
    assertEquals(OverloadState.EXHAUSTED, budget.state());
  }

  @Test
  void exhaustedTheLargestAreResetFirstUntilTheRestIsUnderSaturation() {
    FakeReader largest = new FakeReader();
    FakeReader second = new FakeReader();
    FakeReader small = new FakeReader();
    FakeReader draining = new FakeReader();
    holding(4 * MIB, second);
    holding(5 * MIB, largest);
    holding(2 * MIB, small);
    holding(BufferBudget.DRAINING_BYTES, draining);
    budget.sweep(); // 11 MiB held of 10: 3 MiB over the 8 MiB saturation level
    assertEquals(OverloadState.EXHAUSTED, budget.state());
    assertEquals(1, largest.resets, "the largest covers what is over on its own");
    assertEquals(0, second.resets + small.resets + draining.resets);
    assertEquals(1L, budget.snapshot().get("overload.cx_reset_total"));
  }

  @Test
  void exhaustedStaysUntilBackUnderSaturationThenPausedConnectionsResume() {
    FakeReader reader = new FakeReader();
    ReadAccount account = holding(BUDGET, reader);
    assertTrue(account.pause());
    budget.sweep();
    assertEquals(OverloadState.EXHAUSTED, budget.state());
    assertEquals(0, reader.resumed);

    reader.queued = SATURATION; // its peer wrote some out: under the limit, not under saturation
    budget.sweep();
    assertEquals(OverloadState.EXHAUSTED, budget.state(), "until back under the saturation level");
    assertEquals(0, reader.resumed);

    reader.queued = 0; // its peer drained
    budget.sweep();
    assertEquals(OverloadState.NORMAL, budget.state());
    assertEquals(0, budget.held());
    assertEquals(1, reader.resumed);
  }

  @Test
  void pausedConnectionsAreResumedOnlyAsFarAsTheHeadroomGoes() {
    List<FakeReader> paused = new java.util.ArrayList<>();
    for (int i = 0; i < 100; i++) {
      FakeReader reader = new FakeReader();
      reader.queued = 64 * 1024; // each still holds a full read: its peer does not drain
      holding(0, reader).pause();
      paused.add(reader);
    }
    budget.sweep(); // 6.25 MiB held, 1.75 MiB under the saturation level: room for 28 full reads
    long resumed = paused.stream().filter(r -> r.resumed > 0).count();
    assertEquals((SATURATION - 100 * 64 * 1024 + 64 * 1024 - 1) / (64 * 1024), resumed);
  }

  @Test
  void everySecondEveryConnectionIsAskedWhetherItsPeerResetIt() {
    FakeReader reader = new FakeReader();
    holding(0, reader);
    for (int i = 1; i < BufferBudget.SWEEPS_PER_RESET_CHECK; i++) {
      budget.sweep();
    }
    assertEquals(0, reader.resetChecks);
    budget.sweep();
    assertEquals(1, reader.resetChecks);
  }

  @Test
  void aClosedConnectionReleasesWhatItHeld() {
    ReadAccount account = holding(3 * MIB, new FakeReader());
    budget.close(account);
    assertEquals(0, budget.held());
    budget.sweep();
    assertEquals(OverloadState.NORMAL, budget.state());
  }

  @Test
  void aSweepSetsAccountsToWhatTheirPeerReallyHasQueued() {
    FakeReader reader = new FakeReader();
    holding(2 * MIB, reader); // read, and since written out by the peer
    reader.queued = 100;
    budget.sweep();
    assertEquals(100, budget.held());
    reader.queued = -1; // no peer (yet): the account keeps what reads added
    budget.sweep();
    assertEquals(100, budget.held());
  }
}
