package dev.outrigger.core.http;

import dev.outrigger.core.ListenerContext;
import dev.outrigger.core.listener.ByteCounter;
import dev.outrigger.core.listener.PipelineNames;
import dev.outrigger.core.log.ConnectionRecord;
import dev.outrigger.core.route.HttpRouter;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

/** Turns a client connection the detector found to speak HTTP/1.x into an HTTP proxy connection. */
public final class Http1Pipeline {
  /** Netty's default chunk size: bodies are streamed in pieces of at most this many bytes. */
  static final int MAX_CHUNK = 8192;

  private Http1Pipeline() {}

  /**
   * Installs the HTTP/1.1 codec and the session, then replays the bytes the detector read.
   *
   * @param sniffed the connection's first bytes; ownership passes to the pipeline
   * @param firstByteNanos when the first of them arrived: the first request head's deadline runs from it
   */
  public static void install(Channel downstream, ConnectionRecord connection, HttpRouter router,
      ListenerContext context, ByteBuf sniffed, long firstByteNanos) {
    int maxHeaders = context.http().maxRequestHeaderBytes();
    RequestHeadersDeadline deadline = new RequestHeadersDeadline(downstream, connection, context);
    downstream.pipeline().addLast(PipelineNames.HTTP_HEAD_BYTES, deadline.bytes());
    downstream.pipeline().addLast(PipelineNames.HTTP_CODEC, new Http1ServerCodec(maxHeaders, MAX_CHUNK));
    downstream.pipeline().addLast(PipelineNames.HTTP_HEAD_DEADLINE, deadline.heads());
    downstream.pipeline().addLast(PipelineNames.HTTP_DRAIN, new Http1DrainClose());
    downstream.pipeline().addLast(PipelineNames.HTTP_SESSION, new Http1Session(connection, router, context));
    deadline.start(firstByteNanos);
    ByteCounter.replay(downstream, sniffed); // counted when detection read them
  }
}
