package dev.outrigger.core.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test that leaked a Netty buffer. Registered for every test of the module through
 * {@code META-INF/services} and {@code junit.jupiter.extensions.autodetection.enabled}.
 *
 * <p>Netty finds a leak when the garbage collector has collected a buffer that was never
 * released, and reports it on a later allocation; so after each test the collector is run and a
 * buffer allocated a few times, until a leak shows up or the rounds are over. A leak found late
 * (a buffer collected only during a later test) fails that later test; its message carries the
 * leaked buffer's access records, which name the code that leaked it.
 */
public final class LeakCheckExtension implements AfterEachCallback {
  private static final int ROUNDS = 2; // a second round catches buffers of channels that closed just after the test

  @Override
  public void afterEach(ExtensionContext context) throws InterruptedException {
    List<String> leaks = collect();
    if (!leaks.isEmpty()) {
      throw new AssertionError(leaks.size() + " leaked buffer(s) found after " + context.getDisplayName() + ":\n"
          + String.join("\n", leaks));
    }
  }

  /** Runs the collector and Netty's leak check; returns (and forgets) the leaks found so far. */
  static List<String> collect() throws InterruptedException {
    List<String> leaks = FailingLeakDetector.drain();
    for (int round = 0; round < ROUNDS && leaks.isEmpty(); round++) {
      System.gc();
      Thread.sleep(10); // reference processing completes after gc() returns
      ByteBuf probe = ByteBufAllocator.DEFAULT.buffer(1); // the allocation that polls the leak queue
      probe.release();
      leaks = FailingLeakDetector.drain();
    }
    return leaks;
  }
}
