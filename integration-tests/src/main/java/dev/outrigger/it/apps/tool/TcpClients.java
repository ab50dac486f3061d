package dev.outrigger.it.apps.tool;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Client behaviours; each returns the process exit code and prints one summary line. */
final class TcpClients {
  private static final int TIMEOUT_MILLIS = 10_000;

  private TcpClients() {}

  /** Count sequential ping/pong exchanges, each on a new connection closed cleanly by both sides. */
  static int connectLoop(String ip, int port, int count) {
    int failed = 0;
    String firstFailure = "";
    for (int i = 0; i < count; i++) {
      try (Socket socket = connect(ip, port)) {
        socket.getOutputStream().write(ServerBehaviour.bytes("ping\n"));
        socket.shutdownOutput();
        String reply = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        if (!reply.equals("pong\n")) {
          throw new IOException("unexpected reply '" + reply + "'");
        }
      } catch (IOException e) {
        if (failed++ == 0) {
          firstFailure = " first failure at #" + i + ": " + e;
        }
      }
    }
    System.out.println("ok " + (count - failed) + " failed " + failed + firstFailure);
    return failed == 0 ? 0 : 1;
  }

  /** Says hi, reads until the server's FIN, then sends data and half-closes: the reverse half-close. */
  static int sendAfterEof(String ip, int port, int bytes) {
    try (Socket socket = connect(ip, port)) {
      socket.getOutputStream().write(ServerBehaviour.bytes("hi\n"));
      String greeting = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      socket.getOutputStream().write(new byte[bytes]);
      socket.shutdownOutput();
      System.out.println("got " + greeting.strip() + ", then sent " + bytes + " bytes");
      return 0;
    } catch (IOException e) {
      System.out.println("failed: " + e);
      return 1;
    }
  }

  /**
   * A client of a server-first protocol: says nothing until the server's greeting line has come,
   * prints it, then answers "bye" and closes. Before that line it waits at most the socket timeout.
   */
  static int readGreeting(String ip, int port) {
    try (Socket socket = connect(ip, port)) {
      String greeting = readLine(socket.getInputStream());
      socket.getOutputStream().write(ServerBehaviour.bytes("bye\n"));
      socket.shutdownOutput();
      System.out.println("greeting " + greeting);
      return 0;
    } catch (IOException e) {
      System.out.println("failed: " + e);
      return 1;
    }
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
      line.append((char) b);
    }
    return line.toString();
  }

  private static Socket connect(String ip, int port) throws IOException {
    Socket socket = new Socket();
    socket.setSoTimeout(TIMEOUT_MILLIS);
    socket.connect(new InetSocketAddress(ip, port), TIMEOUT_MILLIS);
    return socket;
  }
}
