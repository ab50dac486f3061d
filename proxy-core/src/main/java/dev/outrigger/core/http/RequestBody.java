package dev.outrigger.core.http;

import io.netty.handler.codec.http.HttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Request body parts that arrived while no upstream connection could take them (it was still
 * connecting); written, in order, once one is attached. Reads stop while they wait, so this holds
 * at most what one read delivered.
 */
final class RequestBody {
  private final ArrayDeque<HttpContent> waiting = new ArrayDeque<>(2);

  void add(HttpContent part) {
    waiting.add(part);
  }

  /** The next part to write, or null. */
  HttpContent poll() {
    return waiting.poll();
  }

  void releaseAll() {
    waiting.forEach(ReferenceCountUtil::release);
    waiting.clear();
  }
}
