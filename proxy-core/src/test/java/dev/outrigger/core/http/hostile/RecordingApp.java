package dev.outrigger.core.http.hostile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The app behind the proxy: records the exact bytes each upstream connection delivers and answers
 * each complete request (as the strict parser sees it) with the script's raw bytes. A connection
 * that opens with the HTTP/2 preface is answered as h2c instead (see {@link H2AppConnection}).
 */
final class RecordingApp implements AutoCloseable {
  private final ServerSocket server;
  private final Reply.Script script;
  private final List<Connection> connections = new CopyOnWriteArrayList<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final AtomicInteger requestsAnswered = new AtomicInteger();
  private volatile long lastActivityNanos = System.nanoTime();

  /** One accepted upstream connection. */
  final class Connection {
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final List<Message> h2Streams = new CopyOnWriteArrayList<>();
    private volatile boolean closedByProxy;
    private volatile boolean h2;

    synchronized byte[] bytes() {
      return received.toByteArray();
    }

    boolean closedByProxy() {
      return closedByProxy;
    }

    boolean h2() {
      return h2;
    }

    /** h2 only: each stream's request, its start line ending in END_STREAM or RESET or OPEN. */
    List<Message> h2Streams() {
      return h2Streams;
    }

    private synchronized void record(byte[] b, int n) {
      received.write(b, 0, n);
      lastActivityNanos = System.nanoTime();
    }

    private void serve(Socket socket) throws IOException {
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      byte[] buf = new byte[65536];
      int answered = 0;
      int n;
      while ((n = in.read(buf)) > 0) {
        record(buf, n);
        byte[] all = bytes();
        if (startsWithPreface(all)) {
          h2 = true;
          new H2AppConnection(this, new java.io.SequenceInputStream(
              new java.io.ByteArrayInputStream(all, H2Frames.PREFACE.length, all.length - H2Frames.PREFACE.length),
              new RecordingStream(in, this)), out).serve();
          break;
        }
        if (all.length < H2Frames.PREFACE.length && Arrays.equals(all, 0, all.length, H2Frames.PREFACE, 0, all.length)) {
          continue; // perhaps the start of a preface
        }
        List<Message> requests = MessageParser.requests(all).messages();
        for (; answered < requests.size(); answered++) {
          Reply reply = script.reply(requestsAnswered.incrementAndGet(), requests.get(answered));
          write(out, reply);
          if (reply.closes()) {
            socket.shutdownOutput();
          }
        }
      }
      closedByProxy = true;
      lastActivityNanos = System.nanoTime();
    }

    void addH2Stream(Message stream) {
      h2Streams.add(stream);
      lastActivityNanos = System.nanoTime();
    }

    void replaceH2Stream(Message before, Message after) {
      h2Streams.set(h2Streams.indexOf(before), after);
      lastActivityNanos = System.nanoTime();
    }
  }

  /** Passes bytes through to the h2 reader while recording them. */
  private static final class RecordingStream extends InputStream {
    private final InputStream in;
    private final Connection connection;

    RecordingStream(InputStream in, Connection connection) {
      this.in = in;
      this.connection = connection;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        byte[] copy = Arrays.copyOfRange(b, off, off + n);
        connection.record(copy, n);
      }
      return n;
    }
  }

  RecordingApp(Reply.Script script) throws IOException {
    this.script = script;
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::acceptLoop, "recording-app-acceptor");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  InetSocketAddress address() {
    return (InetSocketAddress) server.getLocalSocketAddress();
  }

  /** Connections that received at least one byte, in the order they were accepted. */
  List<Connection> connections() {
    List<Connection> used = new ArrayList<>();
    for (Connection c : connections) {
      if (c.bytes().length > 0) {
        used.add(c);
      }
    }
    return used;
  }

  /** Waits (bounded) until nothing has arrived for {@code quietMillis}: bytes still in flight are counted. */
  void awaitQuiet(long quietMillis) throws InterruptedException {
    long deadline = System.nanoTime() + 2_000_000_000L;
    while (System.nanoTime() - lastActivityNanos < quietMillis * 1_000_000L && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  /** Waits (bounded) until some connection has received {@code text}. */
  void awaitReceived(String text) throws InterruptedException {
    long deadline = System.nanoTime() + 2_000_000_000L;
    while (System.nanoTime() < deadline) {
      for (Connection c : connections) {
        if (new String(c.bytes(), StandardCharsets.ISO_8859_1).contains(text)) {
          return;
        }
      }
      Thread.sleep(5);
    }
    throw new AssertionError("the app never received " + Message.escape(text));
  }

  /** Waits (bounded) until the proxy has closed the first connection it sent bytes on. */
  boolean awaitFirstClosed(long millis) throws InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000L;
    while (System.nanoTime() < deadline) {
      List<Connection> used = connections();
      if (!used.isEmpty() && used.get(0).closedByProxy()) {
        return true;
      }
      Thread.sleep(5);
    }
    return false;
  }

  private void acceptLoop() {
    try {
      while (true) {
        Socket s = server.accept();
        sockets.add(s);
        Connection c = new Connection();
        connections.add(c);
        Thread t = new Thread(() -> {
          try (s) {
            c.serve(s);
          } catch (IOException e) {
            c.closedByProxy = true; // a reset from the proxy: closed too
          }
        }, "recording-app-connection");
        t.setDaemon(true);
        t.start();
      }
    } catch (IOException closed) {
      // the case is over
    }
  }

  static void write(OutputStream out, Reply reply) throws IOException {
    for (int i = 0; i < reply.parts().size(); i++) {
      if (i > 0) {
        sleep(Reply.PAUSE_MILLIS);
      }
      out.write(reply.parts().get(i));
      out.flush();
    }
  }

  private static boolean startsWithPreface(byte[] b) {
    return b.length >= H2Frames.PREFACE.length && Arrays.equals(b, 0, H2Frames.PREFACE.length, H2Frames.PREFACE, 0,
        H2Frames.PREFACE.length);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
