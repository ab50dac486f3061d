package dev.outrigger.agent.http;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * An endpoint registered under a key ending in "/" that answers every path below it (as a Go
 * ServeMux pattern such as "/app-health/"), when no exact path matches. Asynchronous: the event
 * loop never waits for it.
 */
@FunctionalInterface
public interface SubtreeEndpoint extends Endpoint {
  CompletionStage<Reply> handleAsync(String path, HttpMethod method, HttpHeaders headers);

  @Override
  default Reply handle(HttpMethod method, Map<String, List<String>> query) {
    throw new UnsupportedOperationException("a subtree endpoint answers through handleAsync");
  }
}
