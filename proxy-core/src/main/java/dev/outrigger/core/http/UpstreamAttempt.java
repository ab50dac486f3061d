package dev.outrigger.core.http;

import dev.outrigger.core.overload.ReadGate;
import dev.outrigger.core.route.ClusterTarget;
import dev.outrigger.core.route.Upstream;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;

/**
 * One try of a request on one upstream connection (or HTTP/2 stream): what it was sent to, whether
 * its head reached the socket, and whether the connection may be pooled after it. The exchange
 * hears the connection's events through it, so an event of an attempt that is no longer the
 * current one is recognisable.
 */
final class UpstreamAttempt {
  private final Exchange exchange;
  private final int number;
  private final Upstream upstream;
  private UpstreamPools.Borrowed borrowed;
  private Channel channel;
  private boolean headWritten;
  private boolean keepAlive;
  private long sentNanos;
  /** The outcome was told to the cluster (outlier detection, host counters): once per attempt. */
  private boolean outcomeReported;
  /** The upstream refused the HTTP/2 stream (RST_STREAM REFUSED_STREAM): it never processed it. */
  private boolean refused;

  UpstreamAttempt(Exchange exchange, int number, Upstream upstream) {
    this.exchange = exchange;
    this.number = number;
    this.upstream = upstream;
  }

  int number() {
    return number;
  }

  Upstream upstream() {
    return upstream;
  }

  /** The connection, or null while it is being opened. */
  Channel channel() {
    return channel;
  }

  /** Takes the borrowed connection; its events come to the exchange from now on. */
  void attach(UpstreamPools.Borrowed b) {
    borrowed = b;
    channel = b.channel();
    b.handler().attach(this);
    sentNanos = System.nanoTime();
  }

  /**
   * Writes the request head. A write can fail at once (a reset connection, an HTTP/2 stream
   * refused after GOAWAY); the connection is then closed, and its close ends this attempt. Only
   * the head's own outcome says whether the app can have seen the request.
   */
  void writeHead(HttpRequest request) {
    Channel ch = channel;
    // An HTTP/2 request without a body arrives whole; each attempt sends a duplicate of it, so
    // that a retry can send it again (the exchange releases the original when it ends).
    HttpRequest head = request instanceof FullHttpRequest full ? full.retainedDuplicate() : request;
    ch.write(head).addListener(f -> {
      if (f.isSuccess()) {
        headWritten = true;
      } else {
        ch.close();
      }
    });
  }

  void write(HttpContent part) {
    channel.write(part, channel.voidPromise());
  }

  void flush() {
    channel.flush();
  }

  boolean isWritable() {
    return channel.isWritable();
  }

  /** Reads more of the response, whose parts go to {@code downstream}. */
  void readMore(Channel downstream) {
    ReadGate.read(channel, downstream);
  }

  /** Whether one complete request head reached the upstream's socket. */
  boolean headWritten() {
    return headWritten;
  }

  long sentNanos() {
    return sentNanos;
  }

  void keepAlive(boolean value) {
    keepAlive = value;
  }

  boolean keepAlive() {
    return keepAlive;
  }

  /** Ends this attempt's hold on its connection: back to the pool if {@code reusable}, else closed. */
  void end(UpstreamPools pools, EventLoop loop, boolean reusable) {
    if (channel == null) {
      return;
    }
    borrowed.handler().detach();
    if (reusable) {
      pools.release(loop, upstream, channel);
    } else {
      channel.close();
    }
    channel = null;
  }

  /** The connection was handed to a byte relay (101): this attempt no longer owns it. */
  void handedOver() {
    channel = null;
  }

  /** Tells the cluster how the attempt ended: a status, 0 for a failure before any answer. Once. */
  void ended(ClusterTarget target, int status) {
    if (!outcomeReported) {
      outcomeReported = true;
      target.attemptEnded(upstream, status);
    }
  }

  /** Tells the cluster the attempt ended with no outcome to judge the host by, unless it was told one. */
  void cancelled(ClusterTarget target) {
    if (!outcomeReported) {
      outcomeReported = true;
      target.attemptCancelled(upstream);
    }
  }

  boolean refused() {
    return refused;
  }

  // Events of the connection, from UpstreamHandler.

  void onRefused() {
    refused = true;
  }

  void onRead(HttpObject part) {
    exchange.onUpstream(this, part);
  }

  void onReadComplete() {
    exchange.upstreamReadComplete(this);
  }

  void onWritable() {
    exchange.upstreamWritable(this);
  }

  void onClosed(Throwable cause) {
    exchange.upstreamClosed(this, cause);
  }
}
