package dev.outrigger.core.sniff;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Holds a new connection's first bytes until {@link ProtocolDetector} can name the protocol, then
 * hands the bytes on and leaves the pipeline. A client that closes before deciding is treated as
 * opaque with what it sent, so its FIN (or nothing at all) still reaches the upstream.
 *
 * <p>Three clocks bound the wait. The detection timeout (off by default, as in Istio) lets the
 * connection go on as TCP. Once a first byte came, the bytes can only still be undecided because
 * they are the start of an HTTP request line or of a TLS ClientHello, so the request-headers
 * timeout runs from that byte: when it expires an HTTP start goes to the HTTP path, whose head
 * deadline has then passed (408), and a ClientHello start goes on as TLS without a server name.
 * A connection that sends nothing at all is closed by the listener's idle timer.
 */
public final class SniffHandler extends ChannelInboundHandlerAdapter {
  /** What to do once the protocol is known; receives the sniffed bytes (caller releases). */
  @FunctionalInterface
  public interface Decision {
    /** @param firstByteNanos {@link System#nanoTime()} when the first byte arrived, if any came */
    void decided(ChannelHandlerContext ctx, Protocol protocol, ByteBuf sniffed, boolean inputClosed,
        long firstByteNanos);
  }

  /** What the connection's owner does when detection runs out of time. */
  public interface Expiry {
    /** The detection timeout passed; the connection goes on as TCP right after this. */
    void detectionTimedOut(ChannelHandlerContext ctx);

    /** Nothing arrived for the idle timeout: close the connection (nothing goes upstream). */
    void idle(ChannelHandlerContext ctx);
  }

  private final Decision decision;
  private final Expiry expiry;
  private final long detectionTimeoutNanos;
  private final long requestHeadersTimeoutNanos;
  private CompositeByteBuf sniffed;
  private boolean decided;
  private long firstByteNanos;
  private ScheduledFuture<?> detectionTimer;
  private ScheduledFuture<?> headTimer;

  public SniffHandler(Decision decision, Expiry expiry, Duration detectionTimeout, Duration requestHeadersTimeout) {
    this.decision = decision;
    this.expiry = expiry;
    this.detectionTimeoutNanos = detectionTimeout.toNanos();
    this.requestHeadersTimeoutNanos = requestHeadersTimeout.toNanos();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    sniffed = ctx.alloc().compositeBuffer();
    if (detectionTimeoutNanos > 0) {
      detectionTimer = ctx.executor().schedule(() -> {
        if (!decided) {
          expiry.detectionTimedOut(ctx);
          decide(ctx, ProtocolDetector.undecided(sniffed, Protocol.OPAQUE), false);
        }
      }, detectionTimeoutNanos, TimeUnit.NANOSECONDS);
    }
    ctx.read();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (decided) {
      ctx.fireChannelRead(msg);
      return;
    }
    ByteBuf bytes = (ByteBuf) msg;
    if (firstByteNanos == 0 && bytes.isReadable()) {
      firstByteNanos = System.nanoTime();
      if (requestHeadersTimeoutNanos > 0) {
        headTimer = ctx.executor().schedule(() -> {
          if (!decided) {
            decide(ctx, ProtocolDetector.undecided(sniffed, Protocol.HTTP1), false);
          }
        }, requestHeadersTimeoutNanos, TimeUnit.NANOSECONDS);
      }
    }
    sniffed.addComponent(true, bytes);
    Optional<Protocol> protocol = ProtocolDetector.detect(sniffed);
    protocol.ifPresent(p -> decide(ctx, p, false));
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (!decided) {
      ctx.read(); // the timers above bound the wait
    } else {
      ctx.fireChannelReadComplete();
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (!decided && evt instanceof ChannelInputShutdownEvent) {
      decide(ctx, ProtocolDetector.undecided(sniffed, Protocol.OPAQUE), true);
    } else if (!decided && evt instanceof IdleStateEvent) {
      decided = true; // closing: nothing is handed on, so the close does not open an upstream
      stopTimers();
      sniffed.release();
      sniffed = null;
      expiry.idle(ctx);
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (!decided) {
      decide(ctx, ProtocolDetector.undecided(sniffed, Protocol.OPAQUE), true);
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    stopTimers();
    if (!decided && sniffed != null) {
      sniffed.release();
      sniffed = null;
    }
  }

  private void decide(ChannelHandlerContext ctx, Protocol protocol, boolean inputClosed) {
    decided = true;
    stopTimers();
    ByteBuf bytes = sniffed;
    sniffed = null;
    decision.decided(ctx, protocol, bytes, inputClosed, firstByteNanos);
  }

  private void stopTimers() {
    if (detectionTimer != null) {
      detectionTimer.cancel(false);
    }
    if (headTimer != null) {
      headTimer.cancel(false);
    }
  }
}
