package dev.outrigger.it.apps.tool;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Many connections, each pushing the same number of bytes as fast as the other end takes them,
 * for at most a given time; then every connection is reset. Prints one summary line.
 */
public final class Flood {
  /** Printed, with the number, once every connection is open and the flood starts. */
  public static final String CONNECTED = "connected ";

  private Flood() {}

  static int run(String ip, int port, int connections, long bytesEach, int seconds) throws IOException {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    List<SocketChannel> open = new ArrayList<>();
    long sent = 0;
    int failed = 0;
    try (Selector selector = Selector.open()) {
      // Connected in batches, each waited for: a burst of thousands of SYNs would overflow the
      // listeners' accept queues, and the test is about memory, not about accepting.
      for (int i = 0; i < connections; i++) {
        SocketChannel c = SocketChannel.open();
        c.setOption(StandardSocketOptions.SO_SNDBUF, 16 * 1024);
        c.configureBlocking(true);
        c.socket().connect(new InetSocketAddress(ip, port), 10_000);
        c.configureBlocking(false);
        c.register(selector, SelectionKey.OP_WRITE, new long[] {bytesEach});
        open.add(c);
      }
      System.out.println(CONNECTED + connections);
      ByteBuffer zeros = ByteBuffer.allocateDirect(64 * 1024);
      int done = 0;
      while (done + failed < connections && System.nanoTime() < deadline) {
        selector.select(100);
        for (SelectionKey key : selector.selectedKeys()) {
          SocketChannel c = (SocketChannel) key.channel();
          long[] left = (long[]) key.attachment();
          try {
            if (key.isWritable()) {
              zeros.clear().limit((int) Math.min(zeros.capacity(), left[0]));
              int n = c.write(zeros);
              left[0] -= n;
              sent += n;
              if (left[0] == 0) {
                key.interestOps(0);
                done++;
              }
            }
          } catch (IOException e) {
            key.cancel();
            failed++;
          }
        }
        selector.selectedKeys().clear();
      }
    } finally {
      for (SocketChannel c : open) {
        try {
          c.setOption(StandardSocketOptions.SO_LINGER, 0);
          c.close();
        } catch (IOException alreadyGone) {
          // reset by the other side
        }
      }
    }
    System.out.println("flooded " + sent + " bytes over " + connections + " connections, " + failed + " failed");
    return 0;
  }
}
