package dev.outrigger.agent.http;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * An endpoint whose answer needs I/O, such as scraping the app: it answers when the stage completes
 * and the event loop never waits for it.
 */
@FunctionalInterface
public interface AsyncEndpoint extends Endpoint {
  CompletionStage<Reply> handleAsync(HttpMethod method, Map<String, List<String>> query, HttpHeaders headers);

  @Override
  default Reply handle(HttpMethod method, Map<String, List<String>> query) {
    throw new UnsupportedOperationException("an asynchronous endpoint answers through handleAsync");
  }
}
