package dev.outrigger.core.http.hostile;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A strict HTTP/1.1 parser (RFC 9112), independent of the proxy's codec, that splits a byte stream
 * into the messages its own framing declares. It accepts only what a correct sender writes: CRLF
 * line ends, token header names, no control characters in values, one framing header. What does
 * not parse is kept as the remainder, so an assertion can show exactly what followed.
 */
final class MessageParser {
  /** @param remainder bytes after the last complete message; {@code problem} says why they are not one */
  record Parsed(List<Message> messages, byte[] remainder, String problem) {
    boolean clean() {
      return remainder.length == 0;
    }

    String renderRemainder() {
      return remainder.length == 0 ? "" : "  <" + problem + ": " + Message.escape(
          new String(remainder, 0, Math.min(remainder.length, 400), StandardCharsets.ISO_8859_1)) + ">\n";
    }
  }

  private static final class Incomplete extends Exception {
    Incomplete() {
      super("incomplete", null, false, false);
    }
  }

  private static final class Malformed extends Exception {
    Malformed(String why) {
      super(why, null, false, false);
    }
  }

  private final byte[] bytes;
  private final boolean responses;
  private final boolean eof;
  private int pos;

  private MessageParser(byte[] bytes, boolean responses, boolean eof) {
    this.bytes = bytes;
    this.responses = responses;
    this.eof = eof;
  }

  static Parsed requests(byte[] bytes) {
    return new MessageParser(bytes, false, false).all();
  }

  /** @param eof whether the sender closed: only then is a body without framing complete */
  static Parsed responses(byte[] bytes, boolean eof) {
    return new MessageParser(bytes, true, eof).all();
  }

  /** The head of a message whose body never completed (a response cut after its head was sent), or null. */
  static Message headOf(byte[] bytes) {
    MessageParser p = new MessageParser(bytes, true, false);
    try {
      String startLine = p.line();
      List<Message.Header> headers = new ArrayList<>();
      String l;
      while (!(l = p.line()).isEmpty()) {
        headers.add(Message.Header.parse(l));
      }
      return startLine.startsWith("HTTP/1.") ? new Message(startLine, headers, new byte[0]) : null;
    } catch (Incomplete | Malformed | RuntimeException e) {
      return null;
    }
  }

  private Parsed all() {
    List<Message> messages = new ArrayList<>();
    while (pos < bytes.length) {
      int start = pos;
      try {
        messages.add(message());
      } catch (Incomplete e) {
        return new Parsed(messages, rest(start), "incomplete");
      } catch (Malformed e) {
        return new Parsed(messages, rest(start), "malformed at byte " + (pos - start) + ", " + e.getMessage());
      }
    }
    return new Parsed(messages, new byte[0], null);
  }

  private byte[] rest(int from) {
    byte[] r = new byte[bytes.length - from];
    System.arraycopy(bytes, from, r, 0, r.length);
    return r;
  }

  private Message message() throws Incomplete, Malformed {
    String startLine = line();
    if (!startLine.matches(responses ? "HTTP/1\\.[01] \\d{3} [^\\x00-\\x08\\x0a-\\x1f\\x7f]*"
        : "[!#$%&'*+.^_`|~0-9A-Za-z-]+ [^\\x00-\\x20\\x7f]+ HTTP/1\\.[01]")) {
      throw new Malformed("start line " + Message.escape(startLine));
    }
    List<Message.Header> headers = new ArrayList<>();
    String l;
    while (!(l = line()).isEmpty()) {
      if (!l.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+:[\\t\\x20-\\x7e\\x80-\\xff]*")) {
        throw new Malformed("header line " + Message.escape(l));
      }
      headers.add(Message.Header.parse(l));
    }
    Message head = new Message(startLine, headers, new byte[0]);
    return new Message(startLine, headers, body(head));
  }

  private byte[] body(Message head) throws Incomplete, Malformed {
    List<String> te = head.all("transfer-encoding");
    List<String> cl = head.all("content-length");
    if (!te.isEmpty() && !cl.isEmpty()) {
      throw new Malformed("both transfer-encoding and content-length");
    }
    if (te.size() > 1 || cl.size() > 1) {
      throw new Malformed("repeated framing header");
    }
    if (responses && hasNoBody(head.status())) {
      return new byte[0];
    }
    if (!te.isEmpty()) {
      if (!te.get(0).equalsIgnoreCase("chunked")) {
        throw new Malformed("transfer-encoding " + te.get(0));
      }
      return chunked();
    }
    if (!cl.isEmpty()) {
      if (!cl.get(0).matches("\\d{1,18}")) {
        throw new Malformed("content-length " + cl.get(0));
      }
      return take(Integer.parseInt(cl.get(0)));
    }
    if (!responses) {
      return new byte[0];
    }
    if (!eof) {
      throw new Incomplete(); // close-delimited: complete only when the sender has closed
    }
    return take(bytes.length - pos);
  }

  private static boolean hasNoBody(int status) {
    return status < 200 || status == 204 || status == 304;
  }

  private byte[] chunked() throws Incomplete, Malformed {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = line();
      if (!sizeLine.matches("[0-9a-fA-F]{1,8}(;.*)?")) {
        throw new Malformed("chunk size " + Message.escape(sizeLine));
      }
      int size = Integer.parseInt(sizeLine.split(";")[0], 16);
      if (size == 0) {
        while (!line().isEmpty()) {
          // trailer fields: kept out of the comparison
        }
        return body.toByteArray();
      }
      body.writeBytes(take(size));
      if (!line().isEmpty()) {
        throw new Malformed("no CRLF after chunk data");
      }
    }
  }

  /** A line up to CRLF; a bare CR or LF anywhere is malformed. */
  private String line() throws Incomplete, Malformed {
    for (int i = pos; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        throw new Malformed("bare LF");
      }
      if (bytes[i] == '\r') {
        if (i + 1 >= bytes.length) {
          throw new Incomplete();
        }
        if (bytes[i + 1] != '\n') {
          throw new Malformed("bare CR");
        }
        String l = new String(bytes, pos, i - pos, StandardCharsets.ISO_8859_1);
        pos = i + 2;
        return l;
      }
    }
    throw new Incomplete();
  }

  private byte[] take(int n) throws Incomplete {
    if (bytes.length - pos < n) {
      throw new Incomplete();
    }
    byte[] r = new byte[n];
    System.arraycopy(bytes, pos, r, 0, n);
    pos += n;
    return r;
  }
}
