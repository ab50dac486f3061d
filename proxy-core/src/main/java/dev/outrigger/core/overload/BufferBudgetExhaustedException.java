package dev.outrigger.core.overload;

import java.io.IOException;

/** Why a connection was reset by the budget's sweep: what the protocol code's failure path sees. */
final class BufferBudgetExhaustedException extends IOException {
  private static final long serialVersionUID = 1L;

  BufferBudgetExhaustedException() {
    super("reset: the proxy's buffer budget is exhausted and this connection held the most");
  }
}
