package dev.outrigger.core.http;

import dev.outrigger.core.ListenerContext;
import dev.outrigger.core.log.ConnectionRecord;
import dev.outrigger.core.log.ResponseFlag;
import dev.outrigger.core.relay.DegradedLog;
import dev.outrigger.core.relay.Resets;
import dev.outrigger.core.route.ClusterTarget;
import dev.outrigger.core.route.HttpRouting;
import dev.outrigger.core.route.RouteDecision;
import dev.outrigger.core.route.Upstream;
import dev.outrigger.core.route.table.HeaderMutations;
import dev.outrigger.core.stats.Counter;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One request and its response: the router of Envoy's picture. It applies the routing decision's
 * faults, takes the cluster's request limit, makes attempts upstream (again, as the retry policy
 * says), and relays the answer. Its state is one {@link ExchangePhase}; the client side, each
 * attempt, the timers, the body and the retry decisions are parts of their own. Both connections
 * are on one event loop, so no field here is shared across threads. The request body and the
 * response body are streamed: each side is read only while the other can take more.
 */
final class Exchange {
  private final ExchangeOwner owner;
  private final DownstreamStream down;
  private final ConnectionRecord connection;
  /** Where the request goes; null when the routing answered it here ({@link #answer}). */
  private final RouteDecision decision;
  private final HttpRouting.Answer answer;
  private final ListenerContext context;
  private final ExchangeRecord record;
  private final ExchangeTimers timers;
  private final RequestBody body;
  private final RetryState retries;
  private final ClusterRequest clusterRequest;
  private ExchangePhase phase = ExchangePhase.PENDING;
  /** The current attempt; null when there is none (before the first, between two, or after it was lost). */
  private UpstreamAttempt attempt;
  private int attempts;

  Exchange(ExchangeOwner owner, Channel downstream, HttpRequest request, ConnectionRecord connection,
      HttpRouting routing, ListenerContext context) {
    this.owner = owner;
    this.down = new DownstreamStream(downstream, request);
    this.connection = connection;
    this.decision = routing instanceof HttpRouting.Forward f ? f.decision() : null;
    this.answer = routing instanceof HttpRouting.Answer a ? a : null;
    this.context = context;
    this.timers = new ExchangeTimers(downstream.eventLoop());
    ProxyHeaders.prepareRequest(request.headers(), context.http(), down.upgrade());
    if (decision != null) {
      RouteHeaders.request(request.headers(), decision.headers());
      this.retries = new RetryState(decision.retry(), decision.target(), context.stats(),
          bound -> ThreadLocalRandom.current().nextLong(bound));
      this.body = new RequestBody(retries.enabled() ? RequestBody.REPLAY_LIMIT : 0);
      this.clusterRequest = new ClusterRequest(decision.target());
    } else {
      this.retries = null;
      this.body = new RequestBody(0);
      this.clusterRequest = null;
    }
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
    timers.startIdle(context.http().timeouts().streamIdle(), this::streamIdle);
    FaultInjection faults = new FaultInjection(decision.fault(), () -> ThreadLocalRandom.current().nextDouble(100));
    if (faults.delays()) {
      // Envoy's fault filter holds the request before the router sees it: the route timeout
      // starts after the delay; the body waits (it is not read meanwhile).
      context.stats().increment(Counter.FAULT_DELAYS_INJECTED);
      record.flag(ResponseFlag.DELAY_INJECTED);
      phase = ExchangePhase.DELAYED;
      timers.waitThen(decision.fault().delay(), () -> route(faults));
    } else {
      route(faults);
    }
  }

  /** Answers a request the codec could not parse, then closes the connection. */
  void reject(LocalReply reply) {
    down.requestComplete(true);
    down.endAfterExchange();
    localReply(reply);
  }

  /** After any fault delay: an injected abort, the cluster's request limit, then the first attempt. */
  private void route(FaultInjection faults) {
    if (phase.isOver()) {
      return;
    }
    if (faults.aborts()) {
      context.stats().increment(Counter.FAULT_ABORTS_INJECTED);
      localReply(LocalReply.faultAbort(decision.fault().abortStatus()));
      return;
    }
    if (!clusterRequest.start()) {
      context.stats().increment(Counter.UPSTREAM_RQ_PENDING_OVERFLOW);
      DegradedLog.log("upstream overflow (max_requests)", connection.describe() + " via " + decision.cluster(),
          decision.upstream(), null);
      localReply(LocalReply.overflow());
      return;
    }
    timers.startRoute(decision.timeout(), this::timedOut);
    connect(decision.upstream());
  }

  private ClusterTarget target() {
    return decision.target();
  }

  private void connect(Upstream host) {
    attempts++;
    UpstreamAttempt next = new UpstreamAttempt(this, attempts, host);
    attempt = next;
    phase = ExchangePhase.CONNECTING;
    target().attemptStarted(host);
    record.upstreamHost = host.address(); // what a failed connect logs, as Envoy does
    down.request().headers().set(ProxyHeaders.ATTEMPT_COUNT, Integer.toString(attempts));
    context.pools().acquire(loop(), host, owner.http2()).addListener(f -> {
      UpstreamPools.Borrowed b = (UpstreamPools.Borrowed) f.getNow();
      if (phase.isOver() || attempt != next) {
        if (b != null) {
          context.pools().release(loop(), host, b.channel());
        }
      } else if (b == null) {
        connectFailed(next, f.cause());
      } else {
        send(next, b);
      }
    });
  }

  private void connectFailed(UpstreamAttempt failed, Throwable cause) {
    UpstreamConnectFailure.record(context, connection, record, failed.upstream(), cause);
    failed.ended(target(), 0);
    attempt = null;
    if (!retry(retries.onReset(RetryState.Reset.CONNECT_FAILURE, false, requestHasNoBody()))) {
      localReply(resetReply(LocalReply.connectFailure()));
    }
  }

  private void send(UpstreamAttempt a, UpstreamPools.Borrowed b) {
    a.attach(b);
    phase = ExchangePhase.AWAITING_RESPONSE;
    record.upstreamHost = (InetSocketAddress) b.channel().remoteAddress();
    record.upstreamLocal = (InetSocketAddress) b.channel().localAddress();
    // A failed write may end this attempt inside a later write (upstreamClosed() then retries or
    // replies), so whether it is still the current one is checked after each.
    a.writeHead(down.request());
    body.writeTo(a, () -> attempt == a);
    if (attempt != a) {
      return;
    }
    a.flush();
    a.readMore(down.channel());
    if (!down.requestComplete() || owner.http2()) {
      // An HTTP/2 stream is read on even when its request is whole, to hear of a client's reset.
      down.readMore(a.channel());
    }
    if (down.requestComplete()) {
      startPerTry(a);
    }
  }

  /** Envoy starts an attempt's per-try timeout once the request is complete and the attempt has a connection. */
  private void startPerTry(UpstreamAttempt a) {
    Duration perTry = decision.retry().perTryTimeout();
    Duration global = decision.timeout();
    if (!global.isZero() && perTry.compareTo(global) >= 0) {
      return; // Envoy ignores a per-try timeout no shorter than the route's
    }
    timers.startPerTry(perTry, () -> perTryTimedOut(a));
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
    } else {
      if (!body.add(content)) {
        retries.disable(true);
      }
      UpstreamAttempt a = attempt;
      if (up() != null) {
        body.writeTo(a, () -> attempt == a);
        if (down.requestComplete() && attempt == a) { // a failed write may have ended this attempt already
          a.flush();
          startPerTry(a);
        }
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
    if (object instanceof HttpResponse response && !onResponseHead(from, response)) {
      ReferenceCountUtil.release(object); // a retry follows; the client never sees this answer
      return;
    }
    if (object instanceof HttpContent content) {
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
          Upgrades.handOver(owner, down.channel(), from.channel(), connection, record.cluster, context);
          from.handedOver();
        }
        finish(ExchangePhase.COMPLETE);
      }
    }
  }

  /** @return false when the response is retried instead of relayed (the caller releases it) */
  private boolean onResponseHead(UpstreamAttempt from, HttpResponse response) {
    int code = response.status().code();
    if (code >= 100 && code < 200 && code != 101) {
      // 100 Continue: passed on, the real answer follows. As in Envoy, no retry after it.
      retries.disable(false);
      phase = ExchangePhase.INFORMATIONAL;
      down.write(response);
      return true;
    }
    from.ended(target(), code);
    RetryState.Decision retry = retries.onResponse(code, response.headers());
    if (retry == RetryState.Decision.RETRY) {
      endAttempt(from);
      retry(retry);
      return false;
    }
    flagUnretried(retry);
    phase = ExchangePhase.STREAMING_RESPONSE;
    record.responseCode = code;
    record.details = "via_upstream";
    record.upstreamServiceTime = (System.nanoTime() - from.sentNanos()) / 1_000_000;
    from.keepAlive(HttpUtil.isKeepAlive(response));
    ProxyHeaders.prepareResponse(response, record.upstreamServiceTime, code == 101 && down.upgrade());
    RouteHeaders.response(response.headers(), decision.headers());
    if (code != 101) {
      ResponseFraming.frame(response, down);
    }
    down.write(response);
    return true;
  }

  /**
   * Acts on a retry decision: a retry waits for its back-off, then picks an endpoint anew;
   * anything else raises the flag that says why there was none.
   *
   * @return whether a retry follows
   */
  private boolean retry(RetryState.Decision decision) {
    if (decision != RetryState.Decision.RETRY) {
      flagUnretried(decision);
      return false;
    }
    long backoff = retries.backoffMillis();
    if (backoff == 0) {
      retryNow(); // passthrough resends at once, as it always did
    } else {
      phase = ExchangePhase.BACKOFF;
      timers.waitThen(Duration.ofMillis(backoff), this::retryNow);
    }
    return true;
  }

  private void flagUnretried(RetryState.Decision decision) {
    if (decision == RetryState.Decision.LIMIT_EXCEEDED) {
      record.flag(ResponseFlag.UPSTREAM_RETRY_LIMIT_EXCEEDED);
    } else if (decision == RetryState.Decision.OVERFLOW) {
      record.flag(ResponseFlag.UPSTREAM_OVERFLOW);
    }
  }

  private void retryNow() {
    if (phase.isOver()) {
      return;
    }
    Optional<Upstream> host = target().pick();
    if (host.isEmpty()) {
      localReply(LocalReply.noHealthyUpstream());
      return;
    }
    body.rewind();
    connect(host.get());
  }

  /** Lets go of an attempt whose outcome is known: its connection is closed, its timer stopped. */
  private void endAttempt(UpstreamAttempt a) {
    timers.stopPerTry();
    a.end(context.pools(), loop(), false);
    if (attempt == a) {
      attempt = null;
    }
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
      attempt.ended(target(), 0);
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
    timers.stopPerTry();
    attempt = null;
    if (!phase.responseStarted()) {
      from.ended(target(), 0);
      // Passthrough resends only a request whose head never reached the upstream's socket (the
      // app cannot have seen it); once the head was written a close proves nothing: 503 UC, as
      // from Envoy. A route's policy decides as Envoy's retry_on does.
      RetryState.Reset reason = from.refused() ? RetryState.Reset.REFUSED_STREAM
          : reset ? RetryState.Reset.REMOTE_RESET : RetryState.Reset.CONNECTION_TERMINATION;
      if (retry(retries.onReset(reason, from.headWritten(), requestHasNoBody()))) {
        return;
      }
      localReply(resetReply(reset ? LocalReply.remoteReset() : LocalReply.connectionTermination()));
    } else {
      record.flag(reset ? ResponseFlag.UPSTREAM_REMOTE_RESET : ResponseFlag.UPSTREAM_CONNECTION_TERMINATION);
      down.endAfterExchange();
      abort(); // headers were sent: the only honest signal left is to cut the client connection
    }
  }

  private LocalReply resetReply(LocalReply reply) {
    return retries.retried() && retries.enabled() ? reply.afterRetries() : reply;
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

  /** The route timeout, for all attempts together: 504 UT response_timeout, or a reset once answering. */
  private void timedOut() {
    if (phase.isOver()) {
      return;
    }
    if (!phase.responseStarted()) {
      if (attempt != null) {
        attempt.ended(target(), 504); // Envoy tells outlier detection of a timed-out attempt
      }
      localReply(LocalReply.timeout());
    } else {
      record.flag(ResponseFlag.UPSTREAM_REQUEST_TIMEOUT);
      down.endAfterExchange();
      abort();
    }
  }

  /** The retry policy's per_try_timeout: the attempt is given up, and retried if the policy says so. */
  private void perTryTimedOut(UpstreamAttempt a) {
    if (phase.isOver() || attempt != a) {
      return;
    }
    context.stats().increment(Counter.UPSTREAM_RQ_PER_TRY_TIMEOUT);
    if (phase.responseStarted()) {
      record.flag(ResponseFlag.UPSTREAM_REQUEST_TIMEOUT);
      down.endAfterExchange();
      abort();
      return;
    }
    a.ended(target(), 504);
    endAttempt(a);
    if (retry(retries.onReset(RetryState.Reset.LOCAL_RESET, a.headWritten(), requestHasNoBody()))) {
      return;
    }
    localReply(LocalReply.perTryTimeout());
  }

  /** Envoy's stream idle timeout: a local reply while nothing was answered yet, else a reset. */
  private void streamIdle() {
    if (phase.isOver()) {
      return;
    }
    context.stats().increment(Counter.DOWNSTREAM_RQ_IDLE_TIMEOUT);
    DegradedLog.log("stream idle timeout", connection, null);
    if (!phase.responseStarted()) {
      localReply(LocalReply.streamIdleTimeout(down.requestComplete()));
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
    // Envoy adds the route's response headers to the replies it makes for a routed request too.
    record.bytesSent = down.reply(reply, decision != null ? decision.headers() : HeaderMutations.NONE);
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
      attempt.cancelled(target());
      attempt.end(context.pools(), loop(), complete && down.requestComplete() && attempt.keepAlive());
      attempt = null;
    }
    if (decision != null) {
      retries.end();
      clusterRequest.end();
    }
    down.release();
    var entry = record.toEntry(context.direction());
    context.accessLog().write(entry);
    context.telemetry().httpRequest(entry);
    if (record.responseCode == 101 && end == ExchangePhase.COMPLETE) {
      return; // the connection is a byte relay now
    }
    owner.exchangeDone(down.keepAlive() && down.requestComplete());
  }

  private EventLoop loop() {
    return down.channel().eventLoop();
  }
}
