package dev.outrigger.it.apps.tool;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Accepts connections forever, one thread each; prints "listening ip:port" once bound. */
final class TcpServer {
  private static final int SOCKET_TIMEOUT_MILLIS = 60_000;

  private TcpServer() {}

  static void serve(ConnectionHandler handler, String bindIp, int port) throws IOException {
    try (ServerSocket server = new ServerSocket()) {
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(InetAddress.getByName(bindIp), port), 128);
      System.out.println(TcpTool.LISTENING + bindIp + ":" + port);
      System.out.flush();
      while (true) {
        Socket socket = server.accept();
        Thread thread = new Thread(() -> handle(handler, socket), "conn-" + socket.getPort());
        thread.setDaemon(true);
        thread.start();
      }
    }
  }

  private static void handle(ConnectionHandler handler, Socket socket) {
    try (socket) {
      // Bounded, so a connection the proxy forgets to close cannot pin a thread forever.
      socket.setSoTimeout(SOCKET_TIMEOUT_MILLIS);
      handler.handle(socket);
    } catch (IOException e) {
      System.err.println(TcpTool.CONNECTION_ERROR + socket.getRemoteSocketAddress() + ": " + e);
    }
  }
}
