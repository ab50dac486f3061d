package dev.outrigger.core.http.hostile;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One HTTP/1 message as it was on the wire: start line, header fields in order, and the body as
 * its framing delimited it (de-chunked). Rendered as text so that a failed assertion shows a diff.
 */
record Message(String startLine, List<Header> headers, byte[] body) {

  /** Headers whose values the proxy makes up per request (ids, spans): compared by name only, or not at all. */
  static final Set<String> RANDOM_PROXY_HEADERS = Set.of("x-request-id", "x-b3-traceid", "x-b3-spanid",
      "x-b3-parentspanid", "x-b3-sampled", "x-b3-flags", "b3", "traceparent", "tracestate", "x-envoy-attempt-count",
      "x-forwarded-proto");

  record Header(String name, String value) {
    static Header parse(String line) {
      int colon = line.indexOf(':', 1); // a pseudo-header's name starts with one
      return new Header(line.substring(0, colon), line.substring(colon + 1).strip());
    }

    String lowerName() {
      return name.toLowerCase(Locale.ROOT);
    }
  }

  /** The same message with this body (its framing header is listed among the headers). */
  Message withBody(String text) {
    return new Message(startLine, headers, text.getBytes(StandardCharsets.ISO_8859_1));
  }

  int status() {
    return Integer.parseInt(startLine.split(" ")[1]);
  }

  /** The values of a header, in order, name compared case-insensitively. */
  List<String> all(String name) {
    List<String> values = new ArrayList<>();
    headers.stream().filter(h -> h.name.equalsIgnoreCase(name)).forEach(h -> values.add(h.value));
    return values;
  }

  String bodyText() {
    return new String(body, StandardCharsets.ISO_8859_1);
  }

  /**
   * Start line, then the headers sorted by lowercased name (RFC 9110 §5.3: the order of fields with
   * different names carries no meaning; the order of same-name values is kept), then the body.
   * Headers named in {@code masked} are left out.
   */
  String render(Set<String> masked) {
    StringBuilder b = new StringBuilder(escape(startLine)).append('\n');
    headers.stream().filter(h -> !masked.contains(h.lowerName()))
        .sorted(Comparator.comparing(Header::lowerName))
        .forEach(h -> b.append("  ").append(h.lowerName()).append(": ").append(shorten(h.value)).append('\n'));
    if (body.length > 0) {
      b.append("  [body ").append(body.length).append(" bytes] ").append(shorten(bodyText())).append('\n');
    }
    return b.toString();
  }

  /** Escaped; a long text as its start, length and hash, so that a diff stays readable and exact. */
  static String shorten(String s) {
    if (s.length() <= 200) {
      return escape(s);
    }
    return escape(s.substring(0, 60)) + "... [" + s.length() + " chars, hash " + Integer.toHexString(s.hashCode()) + "]";
  }

  /** Printable ASCII as is; everything else as \r, \n or \xNN, so that control bytes are visible. */
  static String escape(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c == '\r') {
        b.append("\\r");
      } else if (c == '\n') {
        b.append("\\n");
      } else if (c < 0x20 || c >= 0x7f) {
        b.append(String.format("\\x%02x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
