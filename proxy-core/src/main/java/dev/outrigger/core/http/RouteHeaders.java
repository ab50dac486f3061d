package dev.outrigger.core.http;

import dev.outrigger.core.route.table.HeaderMutations;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;

/**
 * The header changes a route makes, applied as Envoy's header parser applies them: the removals
 * first, then the values that replace ("set"), then the ones added beside existing values ("add").
 */
final class RouteHeaders {
  private RouteHeaders() {}

  /** On the request, before it goes upstream. */
  static void request(HttpHeaders headers, HeaderMutations m) {
    apply(headers, m.requestRemove(), m.requestAdd());
  }

  /** On a response (the upstream's or the proxy's own), before it goes to the client. */
  static void response(HttpHeaders headers, HeaderMutations m) {
    apply(headers, m.responseRemove(), m.responseAdd());
  }

  private static void apply(HttpHeaders headers, List<String> remove, List<HeaderMutations.Header> add) {
    remove.forEach(headers::remove);
    for (HeaderMutations.Header h : add) {
      if (!h.append()) {
        headers.set(h.name(), h.value());
      }
    }
    for (HeaderMutations.Header h : add) {
      if (h.append()) {
        headers.add(h.name(), h.value());
      }
    }
  }
}
