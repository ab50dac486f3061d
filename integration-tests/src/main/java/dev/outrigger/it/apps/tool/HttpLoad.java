package dev.outrigger.it.apps.tool;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A steady stream of GETs over keep-alive connections, as an app's client pool sends them. The
 * connections start one after another ({@code rampMillis} apart), so the stream needs new
 * connections while it runs. A connection is opened again when a response says
 * {@code Connection: close} or the server closes between requests. Prints "started" once the
 * first response arrived, then at the end {@code ok N failed M reconnects K}, then one line per
 * failure; exits 0 only without failures.
 */
final class HttpLoad {
  private static final int TIMEOUT_MILLIS = 10_000;

  private final String ip;
  private final int port;
  private final String path;
  private final long endNanos;
  private final AtomicInteger ok = new AtomicInteger();
  private final AtomicInteger reconnects = new AtomicInteger();
  private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
  private volatile boolean started;

  private HttpLoad(String ip, int port, String path, long runMillis) {
    this.ip = ip;
    this.port = port;
    this.path = path;
    this.endNanos = System.nanoTime() + runMillis * 1_000_000L;
  }

  static int run(String ip, int port, String path, int connections, long rampMillis, long runMillis)
      throws InterruptedException {
    HttpLoad load = new HttpLoad(ip, port, path, runMillis);
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      long delay = i * rampMillis;
      Thread t = new Thread(() -> load.loop(delay), "load-" + i);
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
    System.out.println("ok " + load.ok.get() + " failed " + load.failures.size() + " reconnects " + load.reconnects.get());
    load.failures.forEach(System.out::println);
    System.out.flush();
    return load.failures.isEmpty() ? 0 : 1;
  }

  private void loop(long delayMillis) {
    sleep(delayMillis);
    Socket socket = null;
    try {
      while (System.nanoTime() < endNanos) {
        if (socket == null) {
          socket = new Socket();
          socket.connect(new InetSocketAddress(ip, port), TIMEOUT_MILLIS);
          socket.setSoTimeout(TIMEOUT_MILLIS);
        }
        boolean keepAlive;
        try {
          keepAlive = exchange(socket);
        } catch (IOException e) {
          failures.add("failed: " + e);
          keepAlive = false;
        }
        if (!keepAlive) {
          socket.close();
          socket = null;
          reconnects.incrementAndGet();
        }
      }
    } catch (IOException e) {
      failures.add("connect failed: " + e);
    } finally {
      if (socket != null) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // over
        }
      }
    }
  }

  /** One GET; true when the connection may carry the next one. */
  private boolean exchange(Socket socket) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(("GET " + path + " HTTP/1.1\r\nHost: " + ip + ":" + port + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = socket.getInputStream();
    String status = line(in);
    if (status == null) {
      throw new IOException("connection closed before a response");
    }
    long length = -1;
    boolean close = false;
    String header;
    while ((header = line(in)) != null && !header.isEmpty()) {
      String lower = header.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-length:")) {
        length = Long.parseLong(lower.substring("content-length:".length()).trim());
      } else if (lower.startsWith("connection:") && lower.contains("close")) {
        close = true;
      }
    }
    if (length < 0) {
      throw new IOException("no content-length in a response: " + status);
    }
    in.readNBytes((int) length);
    if (!status.startsWith("HTTP/1.1 200 ")) {
      failures.add("status: " + status);
    } else {
      ok.incrementAndGet();
      if (!started) {
        started = true;
        System.out.println("started");
        System.out.flush();
      }
    }
    return !close;
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        String s = b.toString(StandardCharsets.US_ASCII);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      b.write(c);
    }
    return b.size() == 0 ? null : b.toString(StandardCharsets.US_ASCII);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
