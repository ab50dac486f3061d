package dev.outrigger.agent.http;

import io.netty.handler.codec.http.HttpResponseStatus;

/** What an endpoint answers: status, content type and a text body. */
public record Reply(HttpResponseStatus status, String contentType, String body) {
  public static Reply text(HttpResponseStatus status, String body) {
    return new Reply(status, "text/plain; charset=utf-8", body);
  }

  public static Reply ok(String body) {
    return text(HttpResponseStatus.OK, body);
  }

  public static Reply json(String body) {
    return new Reply(HttpResponseStatus.OK, "application/json", body);
  }

  public static Reply methodNotAllowed(String allowed) {
    return text(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed; use " + allowed + "\n");
  }
}
