package dev.outrigger.core.http.hostile;

import dev.outrigger.core.Direction;
import dev.outrigger.core.config.InboundMode;
import dev.outrigger.core.http.HttpSettings;
import dev.outrigger.core.relay.ProxyFixture;
import dev.outrigger.core.stats.Counter;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs cases against one real proxy (inbound listener, real sockets) and a fresh recording app per
 * case, so that no upstream connection is shared between cases. Every mismatch of a case is
 * collected and reported together: client side, app side, access log.
 */
final class CorpusRunner implements AutoCloseable {
  private static final Direction DIRECTION = Direction.INBOUND;
  private static final Pattern LOG_FIELDS = Pattern.compile("^\\[[^\\]]*\\] \"[^\"]*\" (\\d+ \\S+ \\S+) ");

  final ProxyFixture proxy;

  CorpusRunner() throws Exception {
    proxy = new ProxyFixture(InboundMode.PRESERVE, Duration.ofSeconds(2), Duration.ofHours(1), HttpSettings.defaults());
    warmUp();
  }

  /** One plain exchange first: class loading and the JIT must not count against the first case's hang bound. */
  private void warmUp() throws Exception {
    try (RecordingApp app = new RecordingApp(Reply.Script.ECHO)) {
      proxy.destination.set(app.address());
      try (Socket s = proxy.connect(DIRECTION)) {
        s.getOutputStream().write("GET /warm-up HTTP/1.1\r\nHost: app.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        ClientResult.read(s, 1, false);
      }
    }
  }

  void run(HostileCase c) throws Exception {
    if (c.app == null) {
      throw new IllegalStateException(c.name + ": says nothing about what the app receives");
    }
    awaitIdle(); // a line the previous case's connections still write must not count for this one
    int logBefore = proxy.accessLines().size();
    long protocolErrorsBefore = protocolErrors();
    List<String> failures = new ArrayList<>();
    try (RecordingApp app = new RecordingApp(c.script)) {
      proxy.destination.set(app.address());
      try (Clients clients = new Clients()) {
        for (HostileCase.Step step : c.steps) {
          run(step, clients, app, failures);
        }
        app.awaitQuiet(ClientResult.QUIET_MILLIS);
        checkApp(c.app, app, failures);
      }
      if (c.firstUpstreamClosed && !app.awaitFirstClosed(1000)) {
        failures.add("the first upstream connection was left open (it must never be used again)");
      }
    }
    if (c.log != null) {
      checkLog(c.log, logBefore, failures);
    }
    if (c.protocolErrorCounted && protocolErrors() <= protocolErrorsBefore) {
      failures.add(protocolErrorsBefore < 0 ? "no upstream_cx_protocol_error counter in /stats"
          : "upstream_cx_protocol_error did not grow");
    }
    if (!failures.isEmpty()) {
      throw new AssertionError(c.name + "\n\n" + String.join("\n\n", failures));
    }
  }

  private void run(HostileCase.Step step, Clients clients, RecordingApp app, List<String> failures)
      throws Exception {
    if (step instanceof HostileCase.Send s) {
      if (clients.hung.contains(s.client())) {
        return;
      }
      if (s.pauseMillis() > 0) {
        Thread.sleep(s.pauseMillis());
      }
      try {
        Socket socket = clients.open(s.client());
        socket.getOutputStream().write(s.bytes());
        socket.getOutputStream().flush();
      } catch (IOException e) {
        failures.add("client " + s.client() + " could not send: " + e);
      }
    } else if (step instanceof HostileCase.AwaitApp a) {
      app.awaitReceived(a.text());
    } else if (step instanceof HostileCase.Expect e) {
      if (clients.hung.contains(e.client())) {
        failures.add("client " + e.client() + ": later steps skipped, it hung before");
        return;
      }
      ClientResult got = ClientResult.read(clients.open(e.client()), e.responses().size(), e.end().ends());
      if (got.waitedOut()) {
        clients.hung.add(e.client());
      }
      String mismatch = clientMismatch(e, got);
      if (mismatch != null) {
        failures.add("client " + e.client() + " expected:\n  " + describe(e) + "\nbut got:\n" + got.render()
            + "\n(" + mismatch + ")");
      }
    }
  }

  /** The client connections of one case, opened at first use. */
  private final class Clients implements AutoCloseable {
    final Map<Integer, Socket> sockets = new LinkedHashMap<>();
    final java.util.Set<Integer> hung = new java.util.HashSet<>();

    Socket open(int client) throws IOException {
      Socket s = sockets.get(client);
      if (s == null) {
        s = proxy.connect(DIRECTION);
        s.setTcpNoDelay(true); // each write its own segment: a slow client's pieces arrive apart
        sockets.put(client, s);
      }
      return s;
    }

    @Override
    public void close() throws IOException {
      for (Socket s : sockets.values()) {
        s.close();
      }
    }
  }

  private static String clientMismatch(HostileCase.Expect e, ClientResult got) {
    if (got.responses().size() != e.responses().size()) {
      return got.responses().size() + " responses instead of " + e.responses().size();
    }
    for (int i = 0; i < e.responses().size(); i++) {
      List<String> m = e.responses().get(i).mismatches(got.responses().get(i));
      if (!m.isEmpty()) {
        return "response " + (i + 1) + ": " + String.join("; ", m);
      }
    }
    if (e.cutAfterHead() != null) {
      if (got.cutHead() == null || got.cutHead().status() != e.cutAfterHead()) {
        return "no cut response with status " + e.cutAfterHead();
      }
    } else if (!got.parsed().clean()) {
      return "bytes that are no complete response";
    }
    return e.end().matches(got.end()) ? null : "connection " + got.end() + " instead of " + e.end();
  }

  private static String describe(HostileCase.Expect e) {
    StringBuilder b = new StringBuilder();
    e.responses().stream().limit(5).forEach(r -> b.append(r).append("\n  "));
    if (e.responses().size() > 5) {
      b.append("... ").append(e.responses().size()).append(" responses in all\n  ");
    }
    if (e.cutAfterHead() != null) {
      b.append("the head of a ").append(e.cutAfterHead()).append(" response, its body cut\n  ");
    }
    return b.append("then ").append(e.end()).toString();
  }

  private static void checkApp(HostileCase.AppSide expected, RecordingApp app, List<String> failures) {
    List<RecordingApp.Connection> connections = app.connections();
    if (expected instanceof HostileCase.Connections c) {
      StringBuilder want = new StringBuilder();
      for (int i = 0; i < c.each().size(); i++) {
        want.append("connection ").append(i + 1).append(":\n");
        c.each().get(i).forEach(m -> want.append(m.render(Message.RANDOM_PROXY_HEADERS)));
      }
      compare(want.toString(), renderConnections(connections, true), failures);
    } else if (expected instanceof HostileCase.AnySplit a) {
      StringBuilder want = new StringBuilder();
      a.requests().forEach(m -> want.append(m.render(Message.RANDOM_PROXY_HEADERS)));
      compare(want.toString(), renderConnections(connections, false), failures);
    } else if (expected instanceof HostileCase.Truncated t) {
      checkTruncated(t, connections, failures);
    }
    // NotChecked: only the client side is asserted
  }

  /** The app holds the start of one request and nothing from after the point where it broke. */
  private static void checkTruncated(HostileCase.Truncated t, List<RecordingApp.Connection> connections,
      List<String> failures) {
    int expected = t.next().isEmpty() ? 1 : 2;
    String first = connections.isEmpty() ? "" : new String(connections.get(0).bytes(), StandardCharsets.ISO_8859_1);
    boolean ok = connections.size() == expected
        && MessageParser.requests(connections.get(0).bytes()).messages().isEmpty()
        && first.startsWith(t.startLine() + "\r\n")
        && !first.contains(t.absent());
    StringBuilder next = new StringBuilder();
    t.next().forEach(m -> next.append(m.render(Message.RANDOM_PROXY_HEADERS)));
    if (ok && expected == 2) {
      ok = next.toString().equals(renderConnections(connections.subList(1, 2), false));
    }
    if (!ok) {
      failures.add("the app must hold only the cut start of \"" + t.startLine() + "\" and nothing of \""
          + Message.escape(t.absent()) + "\"" + (expected == 2 ? ", then on a new connection:\n" + next : "")
          + "\nbut got:\n" + renderConnections(connections, true));
    }
  }

  private static void compare(String want, String got, List<String> failures) {
    if (!want.equals(got)) {
      failures.add("the app expected:\n" + (want.isEmpty() ? "(nothing)\n" : want) + "but got:\n"
          + (got.isEmpty() ? "(nothing)\n" : got));
    }
  }

  static String renderConnections(List<RecordingApp.Connection> connections, boolean headings) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < connections.size(); i++) {
      RecordingApp.Connection c = connections.get(i);
      if (headings) {
        b.append("connection ").append(i + 1).append(":\n");
      }
      if (c.h2()) {
        c.h2Streams().forEach(m -> b.append(m.render(Message.RANDOM_PROXY_HEADERS)));
      } else {
        MessageParser.Parsed p = MessageParser.requests(c.bytes());
        p.messages().forEach(m -> b.append(m.render(Message.RANDOM_PROXY_HEADERS)));
        b.append(p.renderRemainder());
      }
    }
    return b.toString();
  }

  private void checkLog(List<String> expected, int before, List<String> failures) throws InterruptedException {
    List<String> lines = List.of();
    awaitIdle();
    long deadline = System.nanoTime() + 1_000_000_000L;
    while (System.nanoTime() < deadline) {
      List<String> all = proxy.accessLines();
      lines = all.subList(before, all.size());
      if (lines.size() >= expected.size()) {
        break;
      }
      Thread.sleep(10);
    }
    List<String> fields = new ArrayList<>();
    for (String line : lines) {
      Matcher m = LOG_FIELDS.matcher(line);
      fields.add(m.find() ? m.group(1) : line);
    }
    boolean ok = fields.size() == expected.size();
    for (int i = 0; ok && i < expected.size(); i++) {
      ok = fields.get(i).matches(expected.get(i));
    }
    if (!ok) {
      failures.add("access log expected (status flags details):\n  " + String.join("\n  ", expected) + "\nbut got:\n  "
          + String.join("\n  ", fields));
    }
  }

  /** Waits (bounded, without failing) until the proxy has no client connection open. */
  private void awaitIdle() throws InterruptedException {
    long deadline = System.nanoTime() + 1_000_000_000L;
    while (proxy.server.activeConnections() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
  }

  /** upstream_cx_protocol_error, once the proxy has it; -1 before (so that the check fails, not the build). */
  private long protocolErrors() {
    try {
      return proxy.counter(DIRECTION, Counter.valueOf("UPSTREAM_CX_PROTOCOL_ERROR"));
    } catch (IllegalArgumentException notYet) {
      return -1;
    }
  }

  @Override
  public void close() {
    proxy.close();
  }
}
