package dev.outrigger.it.apps.tool;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/** Fixed behaviours a {@link TcpServer} can have for each accepted connection. */
public enum ServerBehaviour implements ConnectionHandler {
  /** Seed 004's pong, but for any number of connections: "pong", FIN, then drain the request. */
  PONG {
    @Override
    public void handle(Socket socket) throws IOException {
      socket.getOutputStream().write(bytes("pong\n"));
      socket.shutdownOutput();
      drain(socket.getInputStream());
    }
  },
  /** Answers only after the client's FIN: a proxy that does not pass half-closes hangs it. */
  REPLY_AFTER_EOF {
    @Override
    public void handle(Socket socket) throws IOException {
      long received = drain(socket.getInputStream());
      socket.getOutputStream().write(bytes("received " + received + " bytes\n"));
    }
  },
  /**
   * After the client's first line, answers and sends its FIN first, then keeps reading: the
   * client-to-server direction must stay open. The client speaks first, so a proxy that sniffs
   * the protocol from the first bytes is not left waiting.
   */
  CLOSE_FIRST_THEN_READ {
    @Override
    public void handle(Socket socket) throws IOException {
      InputStream in = socket.getInputStream();
      skipLine(in);
      socket.getOutputStream().write(bytes("hello\n"));
      socket.shutdownOutput();
      long received = drain(in);
      System.out.println("received " + received + " bytes after half-close from " + socket.getRemoteSocketAddress());
      System.out.flush();
    }
  },
  /**
   * Reads an HTTP request head (to the empty line), then closes with a FIN without answering: an
   * app that dies between request and response.
   */
  CLOSE_AFTER_REQUEST {
    @Override
    public void handle(Socket socket) throws IOException {
      InputStream in = socket.getInputStream();
      int lineLength = 0;
      for (int b = in.read(); b >= 0; b = in.read()) {
        if (b == '\n') {
          if (lineLength == 0) {
            return;
          }
          lineLength = 0;
        } else if (b != '\r') {
          lineLength++;
        }
      }
    }
  },
  /** Reads the request, then aborts with an RST (SO_LINGER 0) instead of a FIN. */
  RESET_AFTER_READ {
    @Override
    public void handle(Socket socket) throws IOException {
      int first = socket.getInputStream().read();
      if (first >= 0) {
        socket.setSoLinger(true, 0);
      }
    }
  };

  static ServerBehaviour fromName(String name) {
    try {
      return valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("behaviour: " + name + " (expected one of "
          + Arrays.toString(values()).toLowerCase(Locale.ROOT).replace('_', '-') + ")", e);
    }
  }

  public String cliName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Reads up to and including the first newline, byte by byte, so nothing after it is consumed. */
  static void skipLine(InputStream in) throws IOException {
    for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
      // skipping
    }
  }

  static long drain(InputStream in) throws IOException {
    byte[] buffer = new byte[8192];
    long total = 0;
    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
      total += n;
    }
    return total;
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
