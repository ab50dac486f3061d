package dev.outrigger.core.http.hostile;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One hostile or malformed HTTP/1 case: what the clients send, what the app answers, and what the
 * app and each client must see. Built as a sentence: {@code named(..).send(..).expect(..).app(..)}.
 */
final class HostileCase {
  /** One thing a case does, in order; {@code client} numbers the case's client connections from 1. */
  sealed interface Step permits Send, AwaitApp, Expect {}

  /** @param pauseMillis how long to wait before writing (a slow client) */
  record Send(int client, byte[] bytes, long pauseMillis) implements Step {}

  /** Wait until the app has received this text (so that what follows is sent after it). */
  record AwaitApp(String text) implements Step {}

  /** @param cutAfterHead status of a response whose head arrived and whose body was cut, or null */
  record Expect(int client, List<Expected> responses, Integer cutAfterHead, Expected.End end) implements Step {}

  /** What the app must have received. */
  sealed interface AppSide permits Connections, AnySplit, Truncated, NotChecked {}

  /** Exactly these requests, connection by connection (connections that got no byte are not counted). */
  record Connections(List<List<Message>> each) implements AppSide {}

  /** Exactly these requests in this order, however the proxy spread them over connections. */
  record AnySplit(List<Message> requests) implements AppSide {}

  /**
   * A first connection holding only the start of a request whose body broke off (none of
   * {@code absent}), and, if {@code next} is not empty, a second connection with exactly those requests.
   */
  record Truncated(String startLine, String absent, List<Message> next) implements AppSide {}

  /** Only the client side is asserted. */
  record NotChecked() implements AppSide {}

  static final long TRICKLE_MILLIS = 10;

  final String name;
  final List<Step> steps = new ArrayList<>();
  Reply.Script script = Reply.Script.ECHO;
  AppSide app;
  /** "status flags details" of each access-log line, as regular expressions; null when not checked. */
  List<String> log;
  /** The first upstream connection must end closed by the proxy (never pooled). */
  boolean firstUpstreamClosed;
  /** The upstream_cx_protocol_error counter must grow. */
  boolean protocolErrorCounted;
  private int client = 1;

  private HostileCase(String name) {
    this.name = name;
  }

  static HostileCase named(String name) {
    return new HostileCase(name);
  }

  HostileCase send(String raw) {
    return send(client, raw);
  }

  /** Sends on client connection {@code n} (opened at its first use); later expectations are about it. */
  HostileCase send(int n, String raw) {
    client = n;
    steps.add(new Send(n, raw.getBytes(StandardCharsets.ISO_8859_1), 0));
    return this;
  }

  /** A slow client: {@code raw} in pieces of {@code size} bytes, {@value #TRICKLE_MILLIS} ms apart. */
  HostileCase trickle(String raw, int size) {
    for (int i = 0; i < raw.length(); i += size) {
      String piece = raw.substring(i, Math.min(raw.length(), i + size));
      steps.add(new Send(client, piece.getBytes(StandardCharsets.ISO_8859_1), TRICKLE_MILLIS));
    }
    return this;
  }

  /** A slow client whose every CR and the LF after it arrive in different writes. */
  HostileCase trickleSplittingCrLf(String raw) {
    for (String piece : raw.split("(?<=\r)(?=\n)")) {
      steps.add(new Send(client, piece.getBytes(StandardCharsets.ISO_8859_1), TRICKLE_MILLIS));
    }
    return this;
  }

  HostileCase awaitApp(String text) {
    steps.add(new AwaitApp(text));
    return this;
  }

  HostileCase expect(Expected.End end, Expected... responses) {
    steps.add(new Expect(client, Arrays.asList(responses), null, end));
    return this;
  }

  /** A response whose head reached the client and whose body was then cut. */
  HostileCase expectCutAfterHead(int status, Expected.End end) {
    steps.add(new Expect(client, List.of(), status, end));
    return this;
  }

  HostileCase appReplies(Reply.Script script) {
    this.script = script;
    return this;
  }

  /** The app received exactly these requests, on one connection. */
  HostileCase app(Message... requests) {
    app = new Connections(requests.length == 0 ? List.of() : List.of(Arrays.asList(requests)));
    return this;
  }

  HostileCase appNothing() {
    return app();
  }

  @SafeVarargs
  final HostileCase appConnections(List<Message>... perConnection) {
    app = new Connections(Arrays.asList(perConnection));
    return this;
  }

  HostileCase appAnySplit(List<Message> requests) {
    app = new AnySplit(requests);
    return this;
  }

  HostileCase appTruncated(String startLine, String absent, Message... next) {
    app = new Truncated(startLine, absent, Arrays.asList(next));
    return this;
  }

  HostileCase appNotChecked() {
    app = new NotChecked();
    return this;
  }

  HostileCase log(String... statusFlagsDetails) {
    log = Arrays.asList(statusFlagsDetails);
    return this;
  }

  HostileCase firstUpstreamClosed() {
    firstUpstreamClosed = true;
    return this;
  }

  HostileCase countsProtocolError() {
    protocolErrorCounted = true;
    return this;
  }

  /** A request as the app must receive it: start line and "name: value" header lines. */
  static Message req(String startLine, String... headers) {
    return new Message(startLine, Arrays.stream(headers).map(Message.Header::parse).toList(), new byte[0]);
  }

  /** Header lines "X-H1: 1" to "X-Hn: n", each ending in CRLF. */
  static String numberedHeaders(int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 1; i <= n; i++) {
      b.append("X-H").append(i).append(": ").append(i).append("\r\n");
    }
    return b.toString();
  }

  @Override
  public String toString() {
    return name;
  }
}
