package dev.outrigger.core.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A raw HTTP/1.1 app whose answers the test scripts: each request, in arrival order over all its
 * connections, gets the next action (then "200 ok" once the script is used up), and is recorded.
 */
final class ScriptedApp implements AutoCloseable {
  /** What the app does with one request. */
  interface Action {
    /** @return false to stop serving the connection */
    boolean act(Socket connection) throws Exception;
  }

  /** One request as the app received it. */
  record Seen(String path, Map<String, List<String>> headers, String body) {
    String header(String name) {
      List<String> values = headers.get(name);
      return values == null ? null : String.join(",", values);
    }
  }

  final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final Queue<Action> script = new ConcurrentLinkedQueue<>();
  private final ServerSocket server;

  ScriptedApp(Action... actions) throws IOException {
    script.addAll(List.of(actions));
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "scripted-app");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  InetSocketAddress address() {
    return (InetSocketAddress) server.getLocalSocketAddress();
  }

  static Action respond(int status, String body) {
    return c -> {
      OutputStream out = c.getOutputStream();
      out.write(("HTTP/1.1 " + status + " Scripted\r\nContent-Length: " + body.length() + "\r\nserver: scripted\r\n\r\n" + body)
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return true;
    };
  }

  /** Sends the head at once and the body after {@code millis}. */
  static Action slowBody(int status, String body, long millis) {
    return c -> {
      OutputStream out = c.getOutputStream();
      out.write(("HTTP/1.1 " + status + " Scripted\r\nContent-Length: " + body.length() + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Thread.sleep(millis);
      out.write(body.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return true;
    };
  }

  /** Answers with bytes that are not HTTP, then closes. */
  static Action garbage() {
    return c -> {
      c.getOutputStream().write("HELLO 200 OK\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      c.getOutputStream().flush();
      return false;
    };
  }

  /** Never answers (until the proxy closes the connection). */
  static Action hang() {
    return c -> {
      while (c.getInputStream().read() >= 0) {
        // wait for the close
      }
      return false;
    };
  }

  /** Drops the connection without a word, after reading the request. */
  static Action drop() {
    return c -> false;
  }

  private void accept() {
    try {
      while (true) {
        Socket c = server.accept();
        Thread t = new Thread(() -> serve(c));
        t.setDaemon(true);
        t.start();
      }
    } catch (IOException closed) {
      // the test is over
    }
  }

  private void serve(Socket c) {
    try (c) {
      InputStream in = c.getInputStream();
      while (true) {
        Seen request = read(in);
        if (request == null) {
          return;
        }
        seen.add(request);
        Action next = script.poll();
        if (!(next == null ? respond(200, "ok") : next).act(c)) {
          return;
        }
      }
    } catch (Exception gone) {
      // the connection is over
    }
  }

  private static Seen read(InputStream in) throws IOException {
    String requestLine = RawHttp.line(in);
    if (requestLine == null) {
      return null;
    }
    Map<String, List<String>> headers = new LinkedHashMap<>();
    String l;
    while ((l = RawHttp.line(in)) != null && !l.isEmpty()) {
      int colon = l.indexOf(':');
      headers.computeIfAbsent(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new CopyOnWriteArrayList<>())
          .add(l.substring(colon + 1).trim());
    }
    List<String> length = headers.get("content-length");
    byte[] body = length == null ? new byte[0] : in.readNBytes(Integer.parseInt(length.get(0)));
    return new Seen(requestLine.split(" ")[1], headers, new String(body, StandardCharsets.UTF_8));
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
