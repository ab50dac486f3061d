package dev.outrigger.core.http;

import io.netty.handler.codec.http.HttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The request body between the client and the attempts: parts that wait for a connection, and,
 * while a retry may need them, the parts already sent (Envoy's router buffers the body for a
 * retry). What is kept for a retry is bounded by {@link #REPLAY_LIMIT}; a body larger than that is
 * streamed as before and can no longer be sent again. Reads stop while parts wait, so waiting
 * parts are at most what one read delivered.
 */
final class RequestBody {
  /**
   * The most body bytes kept for a retry. Envoy keeps up to the connection's buffer limit (1 MiB
   * by default); a sidecar holds a body per retrying request, so this keeps it at 64 KiB, which
   * covers the JSON and form bodies that retries are for.
   */
  static final int REPLAY_LIMIT = 64 * 1024;

  private final ArrayDeque<HttpContent> waiting = new ArrayDeque<>(2);
  /** Parts the current attempt already has, kept for the next one. */
  private final List<HttpContent> sent = new ArrayList<>(2);
  private final long limit;
  private long bytes;
  private boolean keep = true;

  /**
   * @param limit the most body bytes kept for a retry: {@link #REPLAY_LIMIT} for a route that
   *     retries, 0 for passthrough (which resends only requests without a body)
   */
  RequestBody(long limit) {
    this.limit = limit;
  }

  /**
   * A part from the client, to be written to the current attempt.
   *
   * @return false when this part made the body too large to keep for a retry
   */
  boolean add(HttpContent part) {
    waiting.add(part);
    bytes += part.content().readableBytes();
    if (keep && bytes > limit) {
      keep = false;
      sent.forEach(ReferenceCountUtil::release);
      sent.clear();
      return false;
    }
    return true;
  }

  /** Whether everything received so far can be sent again. */
  boolean replayable() {
    return keep;
  }

  /**
   * Writes the parts the attempt has not had yet, while {@code current} says it is still the
   * current one (a failed write can end it in between).
   */
  void writeTo(UpstreamAttempt attempt, BooleanSupplier current) {
    HttpContent part;
    while (current.getAsBoolean() && (part = waiting.poll()) != null) {
      if (keep) {
        sent.add(part);
        attempt.write(part.retainedDuplicate());
      } else {
        attempt.write(part);
      }
    }
  }

  /** A new attempt starts: everything kept is to be written again, before what still waits. */
  void rewind() {
    for (int i = sent.size() - 1; i >= 0; i--) {
      waiting.addFirst(sent.get(i));
    }
    sent.clear();
  }

  void releaseAll() {
    waiting.forEach(ReferenceCountUtil::release);
    waiting.clear();
    sent.forEach(ReferenceCountUtil::release);
    sent.clear();
  }
}
