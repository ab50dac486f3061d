package dev.outrigger.core.http.hostile;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** What a client must receive: a response described field by field, checked against what arrived. */
final class Expected {
  static final String UPE_BODY =
      "upstream connect error or disconnect/reset before headers. reset reason: protocol error";

  /** How the client connection ends up after the responses. */
  enum End {
    /** Still open and quiet: keep-alive. */
    OPEN,
    /** Closed with a FIN. */
    CLOSED,
    /** Reset. */
    RESET,
    /** Closed or reset: the contract allows either. */
    CUT;

    boolean matches(End actual) {
      return this == actual || (this == CUT && (actual == CLOSED || actual == RESET));
    }

    boolean ends() {
      return this != OPEN;
    }
  }

  private final String description;
  private final List<Integer> statuses;
  private final List<String[]> headers = new ArrayList<>();
  private String body;

  private Expected(String description, Integer... statuses) {
    this.description = description;
    this.statuses = List.of(statuses);
  }

  /** The app's normal answer to the request whose method and target are {@code methodAndTarget}. */
  static Expected answered(String methodAndTarget) {
    return new Expected("the app's answer to " + methodAndTarget, 200).body(methodAndTarget);
  }

  static Expected status(int status) {
    return new Expected(Integer.toString(status), status);
  }

  /** A reply the proxy wrote itself (Envoy's local reply), ending the connection. */
  static Expected localReply(int status, String body) {
    return new Expected("local reply " + status, status).body(body).header("content-type", "text/plain")
        .header("server", "outrigger").header("content-length", Integer.toString(body.length()))
        .header("connection", "close");
  }

  /** A local reply with any of these statuses, where the contract allows either. */
  static Expected localReplyOneOf(int... statuses) {
    Integer[] boxed = Arrays.stream(statuses).boxed().toArray(Integer[]::new);
    return new Expected("local reply " + Arrays.toString(statuses), boxed).header("content-type", "text/plain")
        .header("server", "outrigger").header("connection", "close");
  }

  /** 503 for an upstream response the proxy could not parse; the client connection stays usable. */
  static Expected upstreamProtocolError() {
    return new Expected("503 UPE", 503).body(UPE_BODY).header("content-type", "text/plain")
        .header("server", "outrigger");
  }

  Expected header(String name, String value) {
    headers.add(new String[] {name, value});
    return this;
  }

  /** The header must be absent. */
  Expected noHeader(String name) {
    headers.add(new String[] {name, null});
    return this;
  }

  Expected body(String text) {
    this.body = text;
    return this;
  }

  /** The differences between this expectation and {@code actual}; empty when it matches. */
  List<String> mismatches(Message actual) {
    List<String> m = new ArrayList<>();
    if (!statuses.contains(actual.status())) {
      m.add("status " + actual.status() + " instead of " + statuses);
    }
    for (String[] h : headers) {
      if (h[0].equals("connection") && actual.startLine().startsWith("HTTP/1.0 ")) {
        continue; // an HTTP/1.0 response closes by default: no Connection header needed
      }
      List<String> values = actual.all(h[0]);
      if (h[1] == null ? !values.isEmpty() : !values.equals(List.of(h[1]))) {
        m.add(h[0] + ": " + values.stream().map(Message::shorten).toList() + " instead of "
            + (h[1] == null ? "none" : "[" + Message.shorten(h[1]) + "]"));
      }
    }
    if (body != null && !body.equals(actual.bodyText())) {
      m.add("body \"" + Message.shorten(actual.bodyText()) + "\" instead of \"" + Message.shorten(body) + "\"");
    }
    return m;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(description);
    headers.forEach(h -> b.append(", ").append(h[0]).append(": ")
        .append(h[1] == null ? "(absent)" : Message.shorten(h[1])));
    return b.toString();
  }
}
