package dev.outrigger.core.route;

import io.netty.handler.codec.http.HttpRequest;

/** Routes the requests of one HTTP connection; asked once per request, from the connection's event loop. */
@FunctionalInterface
public interface HttpRouter {
  /** @param request the request head as the client sent it (origin-form target, Host set) */
  HttpRouting route(HttpRequest request);
}
