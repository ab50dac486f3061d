package dev.outrigger.it.apps.tool;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * Relays each TCP connection on ip:port to a Unix socket, byte for byte, both ways. It lets a
 * server that lives in the test JVM (whose sockets are in the host's network namespace) be
 * reached at an address inside a namespace the test created: the Unix socket is a file, and
 * files are shared across network namespaces. A half-close is passed on as a half-close, so a
 * gRPC stream ends the way its peer ended it. When the Unix side refuses (its server is
 * stopped), the TCP connection is closed at once, as a stopped istiod's address would behave.
 */
final class UnixSocketForwarder {
  private UnixSocketForwarder() {}

  static void serve(String bindIp, int port, Path socketPath) throws IOException {
    try (ServerSocket server = new ServerSocket()) {
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(InetAddress.getByName(bindIp), port), 128);
      System.out.println(TcpTool.LISTENING + bindIp + ":" + port);
      System.out.flush();
      while (true) {
        Socket tcp = server.accept();
        Thread thread = new Thread(() -> relay(tcp, socketPath), "relay-" + tcp.getPort());
        thread.setDaemon(true);
        thread.start();
      }
    }
  }

  private static void relay(Socket tcp, Path socketPath) {
    try (tcp; SocketChannel unix = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      unix.connect(UnixDomainSocketAddress.of(socketPath));
      tcp.setTcpNoDelay(true);
      Thread back = new Thread(() -> copy(Channels.newInputStream(unix), tcp), "relay-back-" + tcp.getPort());
      back.setDaemon(true);
      back.start();
      copy(tcp.getInputStream(), unix);
      back.join();
    } catch (IOException e) {
      System.err.println(TcpTool.CONNECTION_ERROR + tcp.getRemoteSocketAddress() + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Unix → TCP; at the Unix side's end, a FIN to the TCP peer. */
  private static void copy(InputStream from, Socket to) {
    try {
      OutputStream out = to.getOutputStream();
      byte[] buffer = new byte[16 * 1024];
      int n;
      while ((n = from.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        out.flush();
      }
      to.shutdownOutput();
    } catch (IOException e) {
      closeQuietly(to);
    }
  }

  /** TCP → Unix; at the TCP side's end, a half-close of the Unix socket. */
  private static void copy(InputStream from, SocketChannel to) {
    try {
      byte[] buffer = new byte[16 * 1024];
      int n;
      while ((n = from.read(buffer)) >= 0) {
        ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
        while (chunk.hasRemaining()) {
          to.write(chunk);
        }
      }
      to.shutdownOutput();
    } catch (IOException e) {
      try {
        to.close();
      } catch (IOException ignored) {
        // already failing
      }
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // already failing
    }
  }
}
