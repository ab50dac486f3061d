package dev.outrigger.core.http;

import dev.outrigger.core.ListenerContext;
import dev.outrigger.core.log.ConnectionRecord;
import dev.outrigger.core.log.ResponseFlag;
import dev.outrigger.core.relay.DegradedLog;
import dev.outrigger.core.relay.Resets;
import dev.outrigger.core.route.HttpRouting;
import dev.outrigger.core.route.RouteDecision;
import dev.outrigger.core.route.Upstream;
import dev.outrigger.core.stats.Counter;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * One request and its response: the router of Envoy's picture, which takes the routing decision,
 * makes attempts upstream and relays the answer. Its state is one {@link ExchangePhase}; the
 * client side, each attempt, the timers and the waiting body are parts of their own. Both
 * connections are on one event loop, so no field here is shared across threads. The request body
 * and the response body are streamed: each side is read only while the other can take more.
 */
final class Exchange {
  /** Istio's default num_retries (route retry policy attempts: 2). */
  private static final int MAX_RETRIES = 2;
  private final ExchangeOwner owner;
  private final DownstreamStream down;
  private final ConnectionRecord connection;
  /** Where the request goes; null when the routing answered it here ({@link #answer}). */
  private final RouteDecision decision;
  private final HttpRouting.Answer answer;
  private final Upstream upstream;
  private final ListenerContext context;
  private final ExchangeRecord record;
  private final RequestBody body = new RequestBody();
  private final ExchangeTimers timers;
  private ExchangePhase phase = ExchangePhase.PENDING;
  /** The current attempt; null when there is none (before the first, or after it was lost). */
  private UpstreamAttempt attempt;
  private int attempts;

  Exchange(ExchangeOwner owner, Channel downstream, HttpRequest request, ConnectionRecord connection,
      HttpRouting routing, ListenerContext context) {
    this.owner = owner;
    this.down = new DownstreamStream(downstream, request);
    this.connection = connection;
    this.decision = routing instanceof HttpRouting.Forward f ? f.decision() : null;
    this.answer = routing instanceof HttpRouting.Answer a ? a : null;
    this.upstream = decision == null ? null : decision.upstream();
    this.context = context;
    this.timers = new ExchangeTimers(downstream.eventLoop());
    ProxyHeaders.prepareRequest(request.headers(), context.http(), down.upgrade());
    this.record = new ExchangeRecord(connection, request, owner.protocol(request),
        decision != null ? decision.cluster() : answer.cluster(),
        decision != null ? decision.routeName() : answer.routeName());
  }

  boolean requestDone() {
    return down.requestComplete();
  }

  void start() {
    if (answer != null) {
      localReply(LocalReply.routed(answer));
      return;
    }
    timers.start(decision.timeout(), this::timedOut, context.http().timeouts().streamIdle(), this::streamIdle);
    connect();
  }

  /** Answers a request the codec could not parse, then closes the connection. */
  void reject(LocalReply reply) {
    down.requestComplete(true);
    down.endAfterExchange();
    localReply(reply);
  }

  private void connect() {
    attempts++;
    UpstreamAttempt next = new UpstreamAttempt(this, attempts, upstream);
    attempt = next;
    phase = ExchangePhase.CONNECTING;
    record.upstreamHost = upstream.address(); // what a failed connect logs, as Envoy does
    down.request().headers().set(ProxyHeaders.ATTEMPT_COUNT, Integer.toString(attempts));
    context.pools().acquire(loop(), upstream, owner.http2()).addListener(f -> {
      UpstreamPools.Borrowed b = (UpstreamPools.Borrowed) f.getNow();
      if (phase.isOver() || attempt != next) {
        if (b != null) {
          context.pools().release(loop(), upstream, b.channel());
        }
      } else if (b == null) {
        UpstreamConnectFailure.record(context, connection, record, upstream, f.cause());
        localReply(LocalReply.connectFailure());
      } else {
        send(next, b);
      }
    });
  }

  private void send(UpstreamAttempt a, UpstreamPools.Borrowed b) {
    a.attach(b);
    phase = ExchangePhase.AWAITING_RESPONSE;
    record.upstreamHost = (InetSocketAddress) b.channel().remoteAddress();
    record.upstreamLocal = (InetSocketAddress) b.channel().localAddress();
    // A failed write may end this attempt inside a later write (upstreamClosed() then retries or
    // replies), so whether it is still the current one is checked after each.
    a.writeHead(down.request());
    HttpContent c;
    while (attempt == a && (c = body.poll()) != null) {
      a.write(c);
    }
    if (attempt != a) {
      return;
    }
    a.flush();
    a.readMore(down.channel());
    if (!down.requestComplete()) {
      down.readMore(a.channel());
    }
  }

  /** The current attempt's connection, or null when there is none yet (or any more). */
  private Channel up() {
    return attempt == null ? null : attempt.channel();
  }

  void requestContent(HttpContent content) {
    timers.activity();
    record.bytesReceived += content.content().readableBytes();
    down.requestComplete(content instanceof LastHttpContent);
    if (content.decoderResult().isFailure()) {
      // A malformed body after the head went upstream: that upstream connection holds part of a
      // request and is closed (finish() never pools it); the client is told, or cut if answered.
      ReferenceCountUtil.release(content);
      down.endAfterExchange();
      if (phase.isOver()) {
        return;
      }
      if (phase.responseStarted()) {
        record.flag(ResponseFlag.DOWNSTREAM_PROTOCOL_ERROR);
        abort();
      } else {
        localReply(LocalReply.badRequest());
      }
    } else if (phase.isOver()) {
      ReferenceCountUtil.release(content);
    } else if (up() == null) {
      body.add(content);
    } else {
      attempt.write(content);
      if (down.requestComplete() && up() != null) { // a failed write may have ended this attempt already
        attempt.flush();
      }
    }
  }

  void downstreamReadComplete() {
    if (up() != null && !phase.isOver()) {
      attempt.flush();
      if (!down.requestComplete() && attempt.isWritable()) {
        down.readMore(up());
      }
    }
  }

  void upstreamWritable(UpstreamAttempt from) {
    if (from == attempt && !down.requestComplete() && !phase.isOver()) {
      down.readMore(up());
    }
  }

  void downstreamWritable() {
    if (up() != null && phase == ExchangePhase.STREAMING_RESPONSE) {
      attempt.readMore(down.channel());
    }
  }

  void upstreamReadComplete(UpstreamAttempt from) {
    down.flush();
    if (from == attempt && !phase.isOver() && down.isWritable() && up() != null) {
      attempt.readMore(down.channel());
    }
  }

  void onUpstream(UpstreamAttempt from, HttpObject object) {
    if (phase.isOver() || from != attempt) {
      ReferenceCountUtil.release(object);
      return;
    }
    timers.activity();
    Optional<String> problem = ResponseChecks.problem(object, context.http());
    if (problem.isPresent()) {
      ReferenceCountUtil.release(object);
      upstreamProtocolError(problem.get());
      return;
    }
    if (object instanceof HttpResponse) {
      onResponseHead((HttpResponse) object);
    }
    if (object instanceof HttpContent) {
      HttpContent content = (HttpContent) object;
      boolean last = content instanceof LastHttpContent;
      if (phase == ExchangePhase.INFORMATIONAL) {
        if (last) { // the empty end of a 100 Continue
          phase = ExchangePhase.AWAITING_RESPONSE;
        }
        down.write(content);
        return;
      }
      record.bytesSent += content.content().readableBytes();
      down.write(content);
      if (last) {
        down.flush();
        if (record.responseCode == 101) {
          Upgrades.handOver(owner, down.channel(), attempt.channel(), connection, record.cluster, context);
          attempt.handedOver();
        }
        finish(ExchangePhase.COMPLETE);
      }
    }
  }

  private void onResponseHead(HttpResponse response) {
    int code = response.status().code();
    if (code >= 100 && code < 200 && code != 101) {
      phase = ExchangePhase.INFORMATIONAL; // 100 Continue: pass it on, the real answer follows
      down.write(response);
      return;
    }
    phase = ExchangePhase.STREAMING_RESPONSE;
    record.responseCode = code;
    record.details = "via_upstream";
    record.upstreamServiceTime = (System.nanoTime() - attempt.sentNanos()) / 1_000_000;
    attempt.keepAlive(HttpUtil.isKeepAlive(response));
    ProxyHeaders.prepareResponse(response, record.upstreamServiceTime, code == 101 && down.upgrade());
    if (code != 101) {
      ResponseFraming.frame(response, down);
    }
    down.write(response);
  }

  /**
   * The upstream's response could not be parsed. As Envoy: 503 UPE if the client has seen nothing
   * of it, else the client connection is reset; either way that upstream connection is closed.
   */
  private void upstreamProtocolError(String why) {
    context.stats().increment(Counter.UPSTREAM_CX_PROTOCOL_ERROR);
    DegradedLog.log("upstream protocol error", connection, new IllegalArgumentException(why));
    attempt.keepAlive(false);
    if (!phase.responseStarted()) {
      localReply(LocalReply.protocolError());
    } else {
      record.flag(ResponseFlag.UPSTREAM_PROTOCOL_ERROR);
      down.endAfterExchange();
      Resets.reset(down.channel());
      finish(ExchangePhase.ENDED);
    }
  }

  /** The upstream closed ({@code cause} null) or failed before the exchange was over. */
  void upstreamClosed(UpstreamAttempt from, Throwable cause) {
    if (phase.isOver() || from != attempt) {
      return;
    }
    boolean reset = cause != null;
    attempt = null;
    if (!phase.responseStarted()) {
      if (!from.headWritten() && attempts <= MAX_RETRIES && requestHasNoBody()) {
        // Not one complete request head reached the upstream's socket: the app cannot have seen
        // it, so sending it again is safe (Envoy's reset-before-request). Once the head was
        // written, a close proves nothing (the app may have read it): 503 UC, as from Envoy.
        context.stats().increment(Counter.UPSTREAM_RQ_RETRY);
        body.add(LastHttpContent.EMPTY_LAST_CONTENT); // the end went to the old connection
        connect();
        return;
      }
      localReply(reset ? LocalReply.remoteReset() : LocalReply.connectionTermination());
    } else {
      record.flag(reset ? ResponseFlag.UPSTREAM_REMOTE_RESET : ResponseFlag.UPSTREAM_CONNECTION_TERMINATION);
      down.endAfterExchange();
      abort(); // headers were sent: the only honest signal left is to cut the client connection
    }
  }

  private boolean requestHasNoBody() {
    return down.requestComplete() && record.bytesReceived == 0 && !HttpUtil.isTransferEncodingChunked(down.request());
  }

  /** The client went away before its answer was complete. */
  void downstreamClosed() {
    if (!phase.isOver()) {
      record.flag(ResponseFlag.DOWNSTREAM_CONNECTION_TERMINATION);
      if (!phase.responseStarted()) {
        record.responseCode = 0;
      }
      down.endAfterExchange();
      finish(ExchangePhase.ENDED);
    }
  }

  private void timedOut() {
    if (phase.isOver()) {
      return;
    }
    if (!phase.responseStarted()) {
      localReply(LocalReply.timeout());
    } else {
      record.flag(ResponseFlag.UPSTREAM_REQUEST_TIMEOUT);
      down.endAfterExchange();
      abort();
    }
  }

  /** Envoy's stream idle timeout: a local reply while nothing was answered yet, else a reset. */
  private void streamIdle() {
    if (phase.isOver()) {
      return;
    }
    context.stats().increment(Counter.DOWNSTREAM_RQ_IDLE_TIMEOUT);
    DegradedLog.log("stream idle timeout", connection, null);
    if (!phase.responseStarted()) {
      // An h2 request that ended with its HEADERS frame arrives whole (a FullHttpRequest).
      localReply(LocalReply.streamIdleTimeout(down.requestComplete() || down.request() instanceof LastHttpContent));
    } else {
      record.flag(ResponseFlag.STREAM_IDLE_TIMEOUT);
      down.endAfterExchange();
      abort();
    }
  }

  private void localReply(LocalReply reply) {
    context.stats().increment(Counter.DOWNSTREAM_RQ_LOCAL_REPLY);
    record.responseCode = reply.status().code();
    record.flag(reply.flag());
    record.details = reply.details();
    if (!down.requestComplete()) {
      down.endAfterExchange(); // the rest of the request body would be read as a new request
    }
    record.bytesSent = down.reply(reply);
    finish(ExchangePhase.ENDED);
  }

  private void abort() {
    down.close();
    finish(ExchangePhase.ENDED);
  }

  private void finish(ExchangePhase end) {
    if (phase.isOver()) {
      return;
    }
    phase = end;
    timers.stop();
    body.releaseAll();
    if (attempt != null) {
      boolean complete = end == ExchangePhase.COMPLETE;
      attempt.end(context.pools(), loop(), complete && down.requestComplete() && attempt.keepAlive());
      attempt = null;
    }
    var entry = record.toEntry(context.direction());
    context.accessLog().write(entry);
    context.telemetry().httpRequest(entry);
    if (record.responseCode == 101 && end == ExchangePhase.COMPLETE) {
      return; // the connection is a byte relay now
    }
    owner.exchangeDone(down.keepAlive() && down.requestComplete());
  }

  private io.netty.channel.EventLoop loop() {
    return down.channel().eventLoop();
  }
}
