package dev.outrigger.core.http.hostile;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What the recording app writes for one request: raw bytes, in parts written a moment apart (so
 * that the proxy has surely forwarded the first part before the second arrives).
 */
record Reply(List<byte[]> parts, boolean closes) {
  static final long PAUSE_MILLIS = 200;

  static Reply raw(String... parts) {
    return new Reply(java.util.Arrays.stream(parts).map(p -> p.getBytes(StandardCharsets.ISO_8859_1)).toList(), false);
  }

  /** The app closes its connection after writing (a close-delimited body ends there). */
  Reply thenClose() {
    return new Reply(parts, true);
  }

  /** The app's normal answer: 200 with the request's method and target as the body. */
  static Reply echo(Message request) {
    String line = request.startLine();
    String body = line.substring(0, line.lastIndexOf(' '));
    return raw("HTTP/1.1 200 OK\r\ncontent-length: " + body.length() + "\r\n\r\n" + body);
  }

  /** Decides the reply to the {@code n}th request the app received (1-based, across connections). */
  interface Script {
    Reply reply(int n, Message request);

    Script ECHO = (n, request) -> echo(request);

    /** The first request gets {@code raw}, every later one the normal answer. */
    static Script first(Reply raw) {
      return (n, request) -> n == 1 ? raw : echo(request);
    }
  }
}
