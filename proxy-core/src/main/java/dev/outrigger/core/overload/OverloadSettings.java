package dev.outrigger.core.overload;

import io.netty.util.internal.PlatformDependent;

/**
 * How much the proxy may hold in buffers as a whole, and how much one read may take.
 *
 * @param budgetBytes bytes read from one side and not yet written to the other, summed over all
 *     connections, at which the connections holding the most are reset; reads from connections
 *     whose peer does not drain pause at {@link BufferBudget#SATURATION_PERCENT} of it
 * @param readBurstBytes at most this many bytes are read from one connection before its copy is
 *     flushed and the other side's backpressure is looked at again
 */
public record OverloadSettings(long budgetBytes, int readBurstBytes) {
  /** Netty's largest adaptive read buffer: one full-size read per burst at least. */
  public static final int DEFAULT_READ_BURST_BYTES = 64 * 1024;
  static final long MIN_BUDGET_BYTES = 1024 * 1024;

  public OverloadSettings {
    if (budgetBytes < MIN_BUDGET_BYTES) {
      throw new IllegalArgumentException("budgetBytes: " + budgetBytes + " (expected: >= " + MIN_BUDGET_BYTES + ")");
    }
    if (readBurstBytes < 1024) {
      throw new IllegalArgumentException("readBurstBytes: " + readBurstBytes + " (expected: >= 1024)");
    }
  }

  /**
   * Half of the direct memory the JVM allows (-XX:MaxDirectMemorySize; 32 MiB of the 64 MiB that
   * bin/outrigger sets): the other half covers what the budget does not count (buffers in codecs,
   * TLS, the allocator's partly used chunks, the JDK's own temporary buffers) and one read burst
   * per event loop that lands before the budget notices.
   */
  public static OverloadSettings defaults() {
    return new OverloadSettings(Math.max(MIN_BUDGET_BYTES, PlatformDependent.maxDirectMemory() / 2),
        DEFAULT_READ_BURST_BYTES);
  }
}
