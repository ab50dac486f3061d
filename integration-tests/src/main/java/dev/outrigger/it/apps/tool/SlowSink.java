package dev.outrigger.it.apps.tool;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * An app that reads 1 KiB a second from each connection (a slow or stuck upstream), with a small
 * receive window so that what it does not read piles up in front of it, in the sidecar. One
 * thread for any number of connections.
 */
final class SlowSink {
  private static final int BYTES_PER_SECOND = 1024;

  private SlowSink() {}

  static void serve(String bindIp, int port) throws IOException {
    ServerSocketChannel server = ServerSocketChannel.open();
    server.setOption(StandardSocketOptions.SO_RCVBUF, 4096); // inherited by accepted sockets
    server.bind(new InetSocketAddress(bindIp, port), 4096);
    server.configureBlocking(false);
    System.out.println(TcpTool.LISTENING + bindIp + ":" + port);
    List<SocketChannel> connections = new ArrayList<>();
    ByteBuffer sip = ByteBuffer.allocate(BYTES_PER_SECOND);
    long nextSip = System.nanoTime();
    while (true) {
      SocketChannel accepted;
      while ((accepted = server.accept()) != null) {
        accepted.configureBlocking(false);
        connections.add(accepted);
      }
      if (System.nanoTime() - nextSip >= 0) {
        nextSip += 1_000_000_000L;
        for (Iterator<SocketChannel> it = connections.iterator(); it.hasNext(); ) {
          SocketChannel c = it.next();
          sip.clear();
          try {
            if (c.read(sip) < 0) {
              c.close();
              it.remove();
            }
          } catch (IOException reset) {
            c.close();
            it.remove();
          }
        }
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        return;
      }
    }
  }
}
