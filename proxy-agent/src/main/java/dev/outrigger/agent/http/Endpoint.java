package dev.outrigger.agent.http;

import io.netty.handler.codec.http.HttpMethod;
import java.util.List;
import java.util.Map;

/** One admin or status URL: answers a request synchronously from in-memory state. */
@FunctionalInterface
public interface Endpoint {
  Reply handle(HttpMethod method, Map<String, List<String>> query);
}
