package dev.outrigger.core.http;

import dev.outrigger.core.ListenerContext;
import dev.outrigger.core.log.ConnectionRecord;
import dev.outrigger.core.log.ResponseFlag;
import dev.outrigger.core.peer.PeerHeaders;
import dev.outrigger.core.relay.DegradedLog;
import dev.outrigger.core.relay.Resets;
import dev.outrigger.core.route.HttpRouting;
import dev.outrigger.core.route.RouteDecision;
import dev.outrigger.core.route.table.HeaderMutations;
import dev.outrigger.core.stats.Counter;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One request and its response. It answers what routing answered itself, applies the decision's
 * faults and the cluster's request limit, hands the upstream side to {@link Attempts}, relays the
 * answer, and ends the exchange however it ends (timeouts, either side gone). Its state is one
 * {@link ExchangePhase}; the client side, each attempt, the timers, the body and the retry
 * decisions are parts of their own. Both connections are on one event loop, so no field here is
 * shared across threads. The request body and the response body are streamed: each side is read
 * only while the other can take more.
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
  /** The upstream side; null when the routing answered the request here. */
  private final Attempts attempts;
  private final ClusterRequest clusterRequest;
  private ExchangePhase phase = ExchangePhase.PENDING;

  Exchange(ExchangeOwner owner, Channel downstream, HttpRequest request, ConnectionRecord connection,
      HttpRouting routing, ListenerContext context) {
    this.owner = owner;
    this.down = new DownstreamStream(downstream, request);
    this.connection = connection;
    this.decision = routing instanceof HttpRouting.Forward f ? f.decision() : null;
    this.answer = routing instanceof HttpRouting.Answer a ? a : null;
    this.context = context;
    this.timers = new ExchangeTimers(downstream.eventLoop());
    ProxyHeaders.prepareRequest(request.headers(), context.http(), down.upgrade(), connection.downstreamTls());
    PeerHeaders peers = PeerHeaders.onRequest(context.direction(), request.headers(),
        context.telemetry().metadataExchange());
    if (decision != null) {
      RouteHeaders.request(request.headers(), decision.headers());
    }
    this.record = new ExchangeRecord(connection, request, owner.protocol(request),
        decision != null ? decision.cluster() : answer.cluster(),
        decision != null ? decision.routeName() : answer.routeName());
    record.peers = peers;
    if (decision != null) {
      RetryState retries = new RetryState(decision.retry(), decision.target(), context.stats(),
          bound -> ThreadLocalRandom.current().nextLong(bound));
      this.attempts = new Attempts(this, decision, down, context, connection, record, timers, owner.http2(), retries);
      this.clusterRequest = new ClusterRequest(decision.target());
    } else {
      this.attempts = null;
      this.clusterRequest = null;
    }
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
    attempts.start();
  }

  boolean isOver() {
    return phase.isOver();
  }

  /** Where the upstream side has got to (connecting, waiting for a retry, sent). */
  void enter(ExchangePhase next) {
    phase = next;
  }

  /** The current attempt's connection, or null when there is none. */
  private Channel up() {
    return attempts == null ? null : attempts.channel();
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
      attempts.bodyPart(content);
    }
  }

  void downstreamReadComplete() {
    UpstreamAttempt attempt = current();
    if (up() != null && !phase.isOver()) {
      attempt.flush();
      if (!down.requestComplete() && attempt.isWritable()) {
        down.readMore(up());
      }
    }
  }

  void upstreamWritable(UpstreamAttempt from) {
    if (from == current() && !down.requestComplete() && !phase.isOver()) {
      down.readMore(up());
    }
  }

  void downstreamWritable() {
    if (up() != null && phase == ExchangePhase.STREAMING_RESPONSE) {
      current().readMore(down.channel());
    }
  }

  void upstreamReadComplete(UpstreamAttempt from) {
    down.flush();
    if (from == current() && !phase.isOver() && down.isWritable() && up() != null) {
      from.readMore(down.channel());
    }
  }

  /** The current attempt, or null. */
  private UpstreamAttempt current() {
    return attempts == null ? null : attempts.current();
  }

  void onUpstream(UpstreamAttempt from, HttpObject object) {
    if (phase.isOver() || from != current()) {
      ReferenceCountUtil.release(object);
      return;
    }
    timers.activity();
    Optional<String> problem = ResponseChecks.problem(object, context.http());
    if (problem.isPresent()) {
      ReferenceCountUtil.release(object);
      upstreamProtocolError(from, problem.get());
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
          attempts.forget();
        }
        finish(ExchangePhase.COMPLETE);
      }
    }
  }

  /** @return false when the response is retried instead of relayed (the caller releases it) */
  private boolean onResponseHead(UpstreamAttempt from, HttpResponse response) {
    int code = response.status().code();
    if (code >= 100 && code < 200 && code != 101) {
      // 100 Continue: passed on, the real answer follows.
      attempts.informationalSent();
      phase = ExchangePhase.INFORMATIONAL;
      down.write(response);
      return true;
    }
    if (!attempts.relays(from, response)) {
      return false;
    }
    phase = ExchangePhase.STREAMING_RESPONSE;
    record.responseCode = code;
    record.details = "via_upstream";
    record.upstreamServiceTime = (System.nanoTime() - from.sentNanos()) / 1_000_000;
    record.peers.onResponse(response.headers());
    ResponseFraming.forClient(response, down, record.upstreamServiceTime, decision.headers());
    down.write(response);
    return true;
  }

  /**
   * The upstream's response could not be parsed. As Envoy: retried if the route says so, else 503
   * UPE if the client has seen nothing of it, else the client connection is reset; either way that
   * upstream connection is closed.
   */
  private void upstreamProtocolError(UpstreamAttempt from, String why) {
    context.stats().increment(Counter.UPSTREAM_CX_PROTOCOL_ERROR);
    DegradedLog.log("upstream protocol error", connection, new IllegalArgumentException(why));
    from.keepAlive(false);
    if (!phase.responseStarted()) {
      attempts.protocolError(from);
    } else {
      record.flag(ResponseFlag.UPSTREAM_PROTOCOL_ERROR);
      down.endAfterExchange();
      Resets.reset(down.channel());
      finish(ExchangePhase.ENDED);
    }
  }

  /** The upstream closed ({@code cause} null) or failed before the exchange was over. */
  void upstreamClosed(UpstreamAttempt from, Throwable cause) {
    if (phase.isOver() || from != current()) {
      return;
    }
    boolean reset = cause != null;
    if (!phase.responseStarted()) {
      attempts.lost(from, reset); // retried, or answered through fail()
    } else {
      attempts.forget();
      record.flag(reset ? ResponseFlag.UPSTREAM_REMOTE_RESET : ResponseFlag.UPSTREAM_CONNECTION_TERMINATION);
      down.endAfterExchange();
      abort(); // headers were sent: the only honest signal left is to cut the client connection
    }
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
      if (current() != null) {
        current().ended(decision.target(), 504); // Envoy tells outlier detection of a timed-out attempt
      }
      localReply(LocalReply.timeout());
    } else {
      record.flag(ResponseFlag.UPSTREAM_REQUEST_TIMEOUT);
      down.endAfterExchange();
      abort();
    }
  }

  /**
   * The current attempt outlived the per-try timeout. As in Envoy, it no longer matters once the
   * response has started (the route timeout still does); before that it is counted and the
   * attempt given up.
   *
   * @return whether the attempt is to be given up (and maybe retried)
   */
  boolean perTryTimedOut() {
    if (phase.responseStarted()) {
      return false;
    }
    context.stats().increment(Counter.UPSTREAM_RQ_PER_TRY_TIMEOUT);
    return true;
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

  /** The upstream side could not get an answer and retries no more: the client is told. */
  void fail(LocalReply reply) {
    localReply(reply);
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
    record.bytesSent = down.reply(reply, decision != null ? decision.headers() : HeaderMutations.NONE, record.peers);
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
    if (attempts != null) {
      attempts.finish(end == ExchangePhase.COMPLETE);
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
}
