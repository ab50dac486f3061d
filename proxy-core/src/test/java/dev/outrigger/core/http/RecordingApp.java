package dev.outrigger.core.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * An app that parses requests itself, strictly by the framing their bytes declare, records each
 * one (with the connection it came on), and answers with whatever raw bytes the test scripts: so a
 * test sees exactly what reached the app, and can make the app answer anything, malformed included.
 */
final class RecordingApp implements AutoCloseable {
  /** One request as the app parsed it. */
  record Received(int connection, String head, byte[] body) {
    String requestLine() {
      return head.substring(0, head.indexOf("\r\n"));
    }

    String header(String name) {
      for (String line : head.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
          return line.substring(colon + 1).trim();
        }
      }
      return null;
    }

    String bodyText() {
      return new String(body, StandardCharsets.ISO_8859_1);
    }
  }

  private final ServerSocket server;
  private final AtomicInteger connections = new AtomicInteger();
  final List<Received> received = new CopyOnWriteArrayList<>();
  /** Bytes left over on a connection after its last complete request: a smuggled tail. */
  final List<String> leftovers = new CopyOnWriteArrayList<>();
  private volatile Function<Received, String> answer = r -> ok("path=" + r.requestLine().split(" ")[1]);

  RecordingApp() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "recording-app");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  static String ok(String body) {
    return "HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
  }

  void answer(Function<Received, String> script) {
    answer = script;
  }

  InetSocketAddress address() {
    return (InetSocketAddress) server.getLocalSocketAddress();
  }

  int connections() {
    return connections.get();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        int id = connections.incrementAndGet();
        Thread t = new Thread(() -> serve(s, id), "recording-app-" + id);
        t.setDaemon(true);
        t.start();
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void serve(Socket s, int id) {
    try (s; InputStream in = s.getInputStream()) {
      while (true) {
        String head = readHead(in, id);
        if (head == null) {
          return;
        }
        Received r = new Received(id, head, readBody(in, head));
        received.add(r);
        s.getOutputStream().write(answer.apply(r).getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
      }
    } catch (IOException e) {
      // the proxy closed or reset the connection: what was received is recorded
    }
  }

  private String readHead(InputStream in, int id) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (true) {
      int b = in.read();
      if (b < 0) {
        if (head.size() > 0) {
          leftovers.add(head.toString(StandardCharsets.ISO_8859_1));
        }
        return null;
      }
      head.write(b);
      String text = head.toString(StandardCharsets.ISO_8859_1);
      if (text.endsWith("\r\n\r\n")) {
        return text;
      }
    }
  }

  private static byte[] readBody(InputStream in, String head) throws IOException {
    String lower = head.toLowerCase(Locale.ROOT);
    if (lower.contains("\r\ntransfer-encoding: chunked\r\n")) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      while (true) {
        int size = Integer.parseInt(line(in).split(";")[0].trim(), 16);
        if (size == 0) {
          while (!line(in).isEmpty()) {
            // trailers
          }
          return body.toByteArray();
        }
        body.write(in.readNBytes(size));
        line(in);
      }
    }
    int at = lower.indexOf("\r\ncontent-length:");
    if (at < 0) {
      return new byte[0];
    }
    int end = lower.indexOf("\r\n", at + 2);
    return in.readNBytes(Integer.parseInt(lower.substring(at + 17, end).trim()));
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int b; (b = in.read()) >= 0; ) {
      if (b == '\n') {
        return sb.toString().replace("\r", "");
      }
      sb.append((char) b);
    }
    throw new IOException("closed inside a chunked body");
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
