package dev.outrigger.core.relay;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A blocking loopback server that hands each accepted socket to the test. */
final class TestServers implements AutoCloseable {
  final ServerSocket socket;
  private final BlockingQueue<Socket> accepted = new LinkedBlockingQueue<>();

  TestServers() throws IOException {
    socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(() -> {
      try {
        while (true) {
          Socket s = socket.accept();
          s.setSoTimeout(10_000);
          accepted.add(s);
        }
      } catch (IOException closed) {
        // the test is over
      }
    }, "test-acceptor");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  InetSocketAddress address() {
    return (InetSocketAddress) socket.getLocalSocketAddress();
  }

  Socket nextAccepted() throws InterruptedException {
    Socket s = accepted.poll(10, TimeUnit.SECONDS);
    if (s == null) {
      throw new AssertionError("the proxy never connected upstream");
    }
    return s;
  }

  static byte[] readToEof(InputStream in) throws IOException {
    return in.readAllBytes();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
