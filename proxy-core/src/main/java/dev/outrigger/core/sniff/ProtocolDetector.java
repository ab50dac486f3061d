package dev.outrigger.core.sniff;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Decides the protocol from a connection's first bytes, as early as they allow and never on a
 * timer: a byte that fits no protocol decides {@link Protocol#OPAQUE} at once, like Envoy's
 * http_inspector and tls_inspector listener filters.
 */
public final class ProtocolDetector {
  /** Longest HTTP/1 request line we wait for; longer lines are relayed as opaque bytes. */
  static final int MAX_REQUEST_LINE = 8192;
  /** At most this many CR/LF bytes before a request line are skipped (a few empty lines). */
  private static final int MAX_LEADING_EMPTY_LINE_BYTES = 8;
  private static final byte[] H2_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final String[] METHODS = {
    "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"
  };

  private ProtocolDetector() {}

  /** @return the protocol, or empty when more bytes are needed to tell */
  public static Optional<Protocol> detect(ByteBuf bytes) {
    int n = bytes.readableBytes();
    if (n == 0) {
      return Optional.empty();
    }
    int start = bytes.readerIndex();
    byte first = bytes.getByte(start);
    if (first == 0x16) { // TLS record type "handshake"; next comes the major version 3
      if (n < 2) {
        return Optional.empty();
      }
      if (bytes.getByte(start + 1) != 3) {
        return Optional.of(Protocol.OPAQUE);
      }
      // As Envoy's tls_inspector: the whole ClientHello, so its server name and ALPN can choose the chain.
      return ClientHelloParser.parse(bytes).isPresent() ? Optional.of(Protocol.TLS) : Optional.empty();
    }
    if (isPrefixOf(bytes, H2_PREFACE)) {
      return n >= H2_PREFACE.length ? Optional.of(Protocol.HTTP2) : Optional.empty();
    }
    return detectHttp1(bytes, start, n);
  }

  /**
   * The protocol when a decision can wait no longer (a timer, or the client stopped sending):
   * bytes that began a TLS handshake stay TLS (with whatever of the hello came), else
   * {@code otherwise}.
   */
  public static Protocol undecided(ByteBuf bytes, Protocol otherwise) {
    return bytes != null && ClientHelloParser.looksLikeTls(bytes) ? Protocol.TLS : otherwise;
  }

  private static Optional<Protocol> detectHttp1(ByteBuf bytes, int from, int available) {
    // RFC 9112 section 2.2: empty lines before the request line are ignored, not taken for a protocol.
    int skipped = 0;
    while (skipped < Math.min(available, MAX_LEADING_EMPTY_LINE_BYTES) && isLineBreak(bytes.getByte(from + skipped))) {
      skipped++;
    }
    int start = from + skipped;
    int n = available - skipped;
    if (n == 0) {
      return skipped < MAX_LEADING_EMPTY_LINE_BYTES ? Optional.empty() : Optional.of(Protocol.OPAQUE);
    }
    int space = -1;
    for (int i = 0; i < Math.min(n, 8); i++) {
      if (bytes.getByte(start + i) == ' ') {
        space = i;
        break;
      }
    }
    if (space < 0) { // still inside the first token: wait while it can grow into a method
      return n < 8 && couldBeMethod(bytes, start, n) ? Optional.empty() : Optional.of(Protocol.OPAQUE);
    }
    if (!isMethod(bytes.toString(start, space, StandardCharsets.US_ASCII))) {
      return Optional.of(Protocol.OPAQUE);
    }
    int lineEnd = bytes.indexOf(start, start + Math.min(n, MAX_REQUEST_LINE), (byte) '\n');
    if (lineEnd < 0) {
      // A method and a target longer than any sniff should wait for: HTTP, whose codec answers a
      // request line over the header limit with 431 instead of relaying it raw.
      return n < MAX_REQUEST_LINE ? Optional.empty()
          : Optional.of(targetFollows(bytes, start + space + 1, start + n) ? Protocol.HTTP1 : Protocol.OPAQUE);
    }
    String line = bytes.toString(start, lineEnd - start, StandardCharsets.US_ASCII).stripTrailing();
    return Optional.of(endsWithHttpVersion(line) ? Protocol.HTTP1 : Protocol.OPAQUE);
  }

  private static boolean isLineBreak(byte b) {
    return b == '\r' || b == '\n';
  }

  /** An origin-form or absolute-form target with no space in it: what a long HTTP request line carries. */
  private static boolean targetFollows(ByteBuf bytes, int from, int to) {
    byte first = bytes.getByte(from);
    return (first == '/' || Character.isLetter(first)) && bytes.indexOf(from, to, (byte) ' ') < 0;
  }

  /**
   * " HTTP/d.d" of any version, in any case: a request line that is HTTP in every other way goes to
   * the HTTP path, which answers a version other than HTTP/1.0 and HTTP/1.1 with 400 rather than
   * relaying it raw.
   */
  private static boolean endsWithHttpVersion(String line) {
    int v = line.length() - " HTTP/1.1".length();
    return v > 0 && line.regionMatches(true, v, " HTTP/", 0, 6) && Character.isDigit(line.charAt(v + 6))
        && line.charAt(v + 7) == '.' && Character.isDigit(line.charAt(v + 8));
  }

  private static boolean couldBeMethod(ByteBuf bytes, int start, int n) {
    String sofar = bytes.toString(start, n, StandardCharsets.US_ASCII);
    for (String m : METHODS) {
      if (m.startsWith(sofar)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isMethod(String token) {
    for (String m : METHODS) {
      if (m.equals(token)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isPrefixOf(ByteBuf bytes, byte[] expected) {
    int n = Math.min(bytes.readableBytes(), expected.length);
    for (int i = 0; i < n; i++) {
      if (bytes.getByte(bytes.readerIndex() + i) != expected[i]) {
        return false;
      }
    }
    return true;
  }
}
