package dev.outrigger.core.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real HTTP/1.1 app (the JDK's server) behind the proxy: {@code /echo-headers} returns the
 * request headers it got, {@code /sha256} the digest of the request body, {@code /bytes?n=N} N
 * bytes chunked, {@code /slow} answers after two seconds.
 */
final class HttpApp implements AutoCloseable {
  static {
    // Without it the JDK server's separate header and body writes meet Nagle and delayed ACKs: 40 ms a request.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  final HttpServer server;
  final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
  final AtomicReference<Headers> lastHeaders = new AtomicReference<>();

  HttpApp() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", this::handle);
    server.start();
  }

  InetSocketAddress address() {
    return server.getAddress();
  }

  private void handle(HttpExchange ex) throws IOException {
    clientPorts.add(ex.getRemoteAddress().getPort());
    lastHeaders.set(ex.getRequestHeaders());
    String path = ex.getRequestURI().getPath();
    byte[] body;
    try (InputStream in = ex.getRequestBody()) {
      if (path.equals("/sha256")) {
        body = sha256(in).getBytes(StandardCharsets.US_ASCII);
      } else if (path.equals("/bytes")) {
        long n = Long.parseLong(ex.getRequestURI().getQuery().substring(2));
        in.readAllBytes();
        ex.sendResponseHeaders(200, 0); // 0 = chunked
        try (OutputStream out = ex.getResponseBody()) {
          byte[] chunk = new byte[8192];
          for (long sent = 0; sent < n; sent += chunk.length) {
            java.util.Arrays.fill(chunk, (byte) (sent / chunk.length));
            out.write(chunk, 0, (int) Math.min(chunk.length, n - sent));
          }
        }
        return;
      } else if (path.equals("/slow")) {
        in.readAllBytes();
        sleep(2000);
        body = "slow".getBytes(StandardCharsets.US_ASCII);
      } else {
        in.readAllBytes();
        StringBuilder b = new StringBuilder();
        ex.getRequestHeaders().forEach((k, v) -> b.append(k.toLowerCase()).append(": ").append(String.join(",", v)).append('\n'));
        body = b.toString().getBytes(StandardCharsets.UTF_8);
      }
    }
    ex.getResponseHeaders().set("server", "the-app");
    ex.sendResponseHeaders(200, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  static String sha256(InputStream in) throws IOException {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[65536];
      int n;
      while ((n = in.read(buf)) > 0) {
        d.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(d.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
