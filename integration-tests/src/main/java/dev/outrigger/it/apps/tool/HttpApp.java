package dev.outrigger.it.apps.tool;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Executors;

/**
 * An HTTP/1.1 app on the JDK's own server (com.sun.net.httpserver), for what nginx cannot answer:
 * <pre>
 * POST /sha256        "sha256: &lt;hex&gt;", "bytes: &lt;n&gt;" of the body as received, and its framing headers
 * GET  /slow/&lt;ms&gt;     answers after ms milliseconds; prints "slow &lt;ms&gt; started" when the request is in
 * GET  /random/&lt;n&gt;    n bytes of a Random seeded with n, with a Content-Length
 * any  other path     the request headers, one "name: value" line each, names in lower case
 * </pre>
 * Every response carries {@value #SERVER} as its Server header. One thread per request, so a slow
 * request holds up nothing else.
 */
final class HttpApp {
  static final String SERVER = "outrigger-it-http-app";

  private HttpApp() {}

  static void serve(String bindIp, int port) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(bindIp), port), 128);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/sha256", exchange -> respond(exchange, HttpApp::sha256));
    server.createContext("/slow/", exchange -> respond(exchange, HttpApp::slow));
    server.createContext("/random/", HttpApp::random);
    server.createContext("/", exchange -> respond(exchange, HttpApp::headers));
    server.start();
    System.out.println(TcpTool.LISTENING + bindIp + ":" + port);
    System.out.flush();
  }

  private interface TextHandler {
    String answer(HttpExchange exchange) throws IOException;
  }

  private static void respond(HttpExchange exchange, TextHandler handler) throws IOException {
    try (exchange) {
      byte[] body = handler.answer(exchange).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Server", SERVER);
      exchange.getResponseHeaders().set("Content-Type", "text/plain");
      exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
      exchange.getResponseBody().write(body);
    }
  }

  private static String sha256(HttpExchange exchange) throws IOException {
    MessageDigest digest = sha256();
    long bytes;
    try (InputStream in = new DigestInputStream(exchange.getRequestBody(), digest)) {
      bytes = in.transferTo(OutputStream.nullOutputStream());
    }
    return "sha256: " + HexFormat.of().formatHex(digest.digest()) + "\n"
        + "bytes: " + bytes + "\n"
        + "transfer-encoding: " + header(exchange, "Transfer-Encoding") + "\n"
        + "content-length: " + header(exchange, "Content-Length") + "\n";
  }

  private static String slow(HttpExchange exchange) throws IOException {
    String millis = exchange.getRequestURI().getPath().substring("/slow/".length());
    exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
    System.out.println("slow " + millis + " started");
    System.out.flush();
    try {
      Thread.sleep(Long.parseLong(millis));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return "slept " + millis + "\n";
  }

  private static void random(HttpExchange exchange) throws IOException {
    try (exchange) {
      int size = Integer.parseInt(exchange.getRequestURI().getPath().substring("/random/".length()));
      exchange.getResponseHeaders().set("Server", SERVER);
      exchange.sendResponseHeaders(200, size == 0 ? -1 : size);
      Random random = new Random(size);
      byte[] chunk = new byte[64 * 1024];
      OutputStream out = exchange.getResponseBody();
      for (int left = size; left > 0; left -= chunk.length) {
        random.nextBytes(chunk);
        out.write(chunk, 0, Math.min(left, chunk.length));
      }
    }
  }

  private static String headers(HttpExchange exchange) throws IOException {
    exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
    Map<String, List<String>> sorted = new TreeMap<>();
    exchange.getRequestHeaders().forEach((name, values) -> sorted.put(name.toLowerCase(Locale.ROOT), values));
    StringBuilder body = new StringBuilder();
    sorted.forEach((name, values) -> values.forEach(v -> body.append(name).append(": ").append(v).append('\n')));
    return body.toString();
  }

  private static String header(HttpExchange exchange, String name) {
    String value = exchange.getRequestHeaders().getFirst(name);
    return value == null ? "" : value;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
