package dev.outrigger.core.overload;

import io.netty.channel.Channel;

/**
 * Where the protocol code asks for the next read of a connection: the one call per read site
 * that puts reads under the proxy's {@link BufferBudget}. A channel without a budget (tests that
 * build their own pipelines) is simply read.
 */
public final class ReadGate {
  private ReadGate() {}

  /**
   * Reads {@code reader} now, or, while the budget is saturated and {@code peer} (where its bytes
   * go) does not drain, later: the budget's sweep reads it again once it may. Event loop only.
   *
   * @param peer the channel {@code reader}'s bytes are written to, or null if there is none now
   */
  public static void read(Channel reader, Channel peer) {
    ChannelReads reads = reader.attr(ChannelReads.KEY).get();
    if (reads == null) {
      reader.read();
    } else {
      reads.read(peer);
    }
  }
}
