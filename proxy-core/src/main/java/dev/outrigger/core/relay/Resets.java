package dev.outrigger.core.relay;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;

/** Aborting a connection the way TCP peers notice: a RST, not a FIN. */
public final class Resets {
  private Resets() {}

  /**
   * Closes with SO_LINGER 0, which makes the kernel send RST and drop unsent data. A client then
   * sees "Connection reset by peer", as it would talking to the failed upstream directly.
   */
  public static void reset(Channel channel) {
    if (!channel.isOpen()) {
      return;
    }
    try {
      channel.config().setOption(ChannelOption.SO_LINGER, 0);
    } catch (RuntimeException alreadyClosed) {
      // The socket went away between isOpen() and setsockopt(); closing is all that is left.
    }
    channel.close();
  }
}
