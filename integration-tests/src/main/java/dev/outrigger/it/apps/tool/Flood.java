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
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Many connections, each pushing the same number of bytes as fast as the other end takes them,
 * until the driver closes the tool's standard input (or, as a safety bound, a given time has
 * passed); then every connection is reset. Prints one summary line. The driver decides when the
 * flood ends, so that slow set-up steps on a loaded machine cannot end it before it is measured.
 */
public final class Flood {
  /** Printed, with the number, once every connection is open and the flood starts. */
  public static final String CONNECTED = "connected ";

  private Flood() {}

  static int run(String ip, int port, int connections, long bytesEach, int seconds) throws IOException {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    AtomicBoolean stopped = stopWhenStdinCloses();
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
      while (done + failed < connections && System.nanoTime() < deadline && !stopped.get()) {
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
    System.out.println("flooded " + sent + " bytes over " + connections + " connections, " + failed + " failed, "
        + (stopped.get() ? "stopped by the driver" : "time bound reached"));
    return 0;
  }

  private static AtomicBoolean stopWhenStdinCloses() {
    AtomicBoolean stopped = new AtomicBoolean();
    Thread watcher = new Thread(() -> {
      try {
        while (System.in.read() >= 0) {
          // only the end of input counts
        }
      } catch (IOException closed) {
        // the same as the end
      }
      stopped.set(true);
    }, "stdin-watcher");
    watcher.setDaemon(true);
    watcher.start();
    return stopped;
  }
}
