package dev.outrigger.core.http;

import dev.outrigger.core.ListenerContext;
import dev.outrigger.core.log.ConnectionRecord;
import dev.outrigger.core.route.Upstream;
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
   */
  public static void install(Channel downstream, ConnectionRecord connection, Upstream upstream,
      ListenerContext context, ByteBuf sniffed) {
    int maxHeaders = context.http().maxRequestHeaderBytes();
    downstream.pipeline().addLast("http-codec", new Http1ServerCodec(maxHeaders, MAX_CHUNK));
    downstream.pipeline().addLast("http-drain", new Http1DrainClose());
    downstream.pipeline().addLast("http-session", new Http1Session(connection, upstream, context));
    downstream.pipeline().fireChannelRead(sniffed);
    downstream.pipeline().fireChannelReadComplete();
  }
}
