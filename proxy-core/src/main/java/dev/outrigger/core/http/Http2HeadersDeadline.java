package dev.outrigger.core.http;

import dev.outrigger.core.ListenerContext;
import dev.outrigger.core.log.ConnectionRecord;
import dev.outrigger.core.relay.DegradedLog;
import dev.outrigger.core.stats.Counter;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The request-headers deadline on an h2c connection. Netty's codec creates a stream only once
 * its header block is complete, so a client trickling a HEADERS frame (or the CONTINUATION frames
 * after it) would never meet a stream timer. This handler, before the codec, follows the frame
 * boundaries only (lengths, types, the END_HEADERS flag; it decodes nothing): a frame header, and
 * a header block from its first frame to its END_HEADERS, must arrive within the request-headers
 * timeout. Otherwise the connection gets a GOAWAY and is closed; the stream that was never opened
 * cannot be answered on its own, as Envoy answers it (408).
 */
final class Http2HeadersDeadline extends ChannelInboundHandlerAdapter {
  private static final int PREFACE_LENGTH = 24;
  private static final int FRAME_HEADER_LENGTH = 9;
  private static final int HEADERS = 0x1;
  private static final int CONTINUATION = 0x9;
  private static final int END_HEADERS = 0x4;

  private final ConnectionRecord connection;
  private final ListenerContext context;
  private final long timeoutNanos;
  private final byte[] frameHeader = new byte[FRAME_HEADER_LENGTH];
  private int prefaceLeft = PREFACE_LENGTH;
  private int frameHeaderFill;
  private long payloadLeft;
  private boolean blockEndsWithThisFrame;
  private boolean inHeaderBlock;
  /** When the frame header or header block under way began (the read it began in); 0: none is. */
  private long pendingSinceNanos;
  private ScheduledFuture<?> check;

  Http2HeadersDeadline(ConnectionRecord connection, ListenerContext context) {
    this.connection = connection;
    this.context = context;
    this.timeoutNanos = context.http().timeouts().requestHeaders().toNanos();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (timeoutNanos > 0) {
      follow((ByteBuf) msg, System.nanoTime());
      if (pendingSinceNanos != 0 && check == null) {
        check = ctx.executor().schedule(() -> check(ctx), timeoutNanos, TimeUnit.NANOSECONDS);
      }
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (check != null) {
      check.cancel(false);
    }
  }

  /** Walks the frame boundaries in {@code bytes} without consuming them. */
  private void follow(ByteBuf bytes, long readNanos) {
    int i = bytes.readerIndex();
    int end = bytes.writerIndex();
    while (i < end) {
      if (prefaceLeft > 0) {
        int n = Math.min(prefaceLeft, end - i);
        prefaceLeft -= n;
        i += n;
      } else if (payloadLeft > 0) {
        int n = (int) Math.min(payloadLeft, end - i);
        payloadLeft -= n;
        i += n;
        if (payloadLeft == 0) {
          frameComplete();
        }
      } else {
        if (frameHeaderFill == 0 && !inHeaderBlock) {
          pendingSinceNanos = readNanos; // a frame header begins (and perhaps a header block)
        }
        frameHeader[frameHeaderFill++] = bytes.getByte(i++);
        if (frameHeaderFill == FRAME_HEADER_LENGTH) {
          frameHeaderFill = 0;
          frameHeaderComplete();
        }
      }
    }
  }

  private void frameHeaderComplete() {
    payloadLeft = ((frameHeader[0] & 0xffL) << 16) | ((frameHeader[1] & 0xff) << 8) | (frameHeader[2] & 0xff);
    int type = frameHeader[3] & 0xff;
    boolean headerFrame = type == HEADERS || (inHeaderBlock && type == CONTINUATION);
    inHeaderBlock = headerFrame; // other frames' payloads are not timed here (stream idle covers bodies)
    blockEndsWithThisFrame = headerFrame && (frameHeader[4] & END_HEADERS) != 0;
    if (!headerFrame) {
      pendingSinceNanos = 0;
    }
    if (payloadLeft == 0) {
      frameComplete();
    }
  }

  private void frameComplete() {
    if (blockEndsWithThisFrame) {
      inHeaderBlock = false;
      blockEndsWithThisFrame = false;
      pendingSinceNanos = 0;
    }
  }

  /** One check at a time; it re-arms itself while something is pending but not yet overdue. */
  private void check(ChannelHandlerContext ctx) {
    check = null;
    if (pendingSinceNanos == 0 || !ctx.channel().isActive()) {
      return;
    }
    long pending = System.nanoTime() - pendingSinceNanos;
    if (pending < timeoutNanos) {
      check = ctx.executor().schedule(() -> check(ctx), timeoutNanos - pending, TimeUnit.NANOSECONDS);
      return;
    }
    context.stats().increment(Counter.DOWNSTREAM_RQ_HEADER_TIMEOUT);
    DegradedLog.log("request headers timeout (h2c)", connection, null);
    ctx.channel().writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR)).addListener(ChannelFutureListener.CLOSE);
  }
}
