package dev.outrigger.core.overload;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What one connection's reads hold: bytes read from it and not yet written to its peer. Reads add
 * to it as they happen; it is set to what the peer really has queued whenever that is looked at
 * (each read request, each sweep), so it errs on the high side in between, never on the low.
 */
final class ReadAccount {
  /** The connection behind the account: what the budget asks of it. */
  interface Reader {
    /** Bytes its peer has queued to write now, or -1 while it has no peer. Any thread. */
    long queued();

    /** Read again if the budget allows it now (it was paused). Any thread. */
    void resume();

    /** Reset the connection: it holds the most while the budget is exhausted. Any thread. */
    void reset();

    /**
     * For a connection not being read: release it if its peer has reset it, and tell its pipeline
     * once if its peer has sent FIN ({@link PeerHalfClosed}). Any thread.
     */
    void checkPeerWhileNotRead();
  }

  private final BufferBudget budget;
  private final Reader reader;
  private final AtomicLong held = new AtomicLong();
  private volatile boolean paused;

  ReadAccount(BufferBudget budget, Reader reader) {
    this.budget = budget;
    this.reader = reader;
  }

  Reader reader() {
    return reader;
  }

  long held() {
    return held.get();
  }

  /** Bytes just read from the connection. */
  void add(long bytes) {
    held.addAndGet(bytes);
    budget.changed(bytes);
  }

  /** What the peer has queued now: the truth, replacing what reads added since the last look. */
  void set(long bytes) {
    budget.changed(bytes - held.getAndSet(bytes));
  }

  /** Looks at the peer's queue again, unless there is no peer yet. */
  void refresh() {
    long queued = reader.queued();
    if (queued >= 0) {
      set(queued);
    }
  }

  boolean paused() {
    return paused;
  }

  /** @return whether the account was not paused before */
  boolean pause() {
    boolean was = paused;
    paused = true;
    return !was;
  }

  void unpause() {
    paused = false;
  }
}
