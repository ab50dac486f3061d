package dev.outrigger.core.http;

import dev.outrigger.core.ListenerContext;
import dev.outrigger.core.log.ConnectionRecord;
import dev.outrigger.core.relay.DegradedLog;
import dev.outrigger.core.stats.Counter;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Error;

/**
 * Envoy's HTTP connection idle timeout (idle_timeout, 1 h): an HTTP connection with no request
 * in progress for that long is closed; on h2c a GOAWAY tells the client first that no stream was
 * or will be processed, so it opens a new connection rather than seeing a plain close.
 */
final class HttpConnectionIdle {
  private HttpConnectionIdle() {}

  static void close(Channel channel, ConnectionRecord connection, ListenerContext context) {
    count(connection, context);
    channel.close();
  }

  static void goAwayAndClose(Channel channel, ConnectionRecord connection, ListenerContext context) {
    count(connection, context);
    channel.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR)).addListener(ChannelFutureListener.CLOSE);
  }

  private static void count(ConnectionRecord connection, ListenerContext context) {
    context.stats().increment(Counter.DOWNSTREAM_CX_IDLE_TIMEOUT);
    DegradedLog.log("HTTP connection idle timeout", connection, null);
  }
}
