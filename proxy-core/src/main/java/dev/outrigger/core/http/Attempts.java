package dev.outrigger.core.http;

import dev.outrigger.core.tls.TlsPrincipals;
import dev.outrigger.core.tls.UpstreamTlsException;

import dev.outrigger.core.ListenerContext;
import dev.outrigger.core.log.ConnectionRecord;
import dev.outrigger.core.route.ClusterTarget;
import dev.outrigger.core.route.RouteDecision;
import dev.outrigger.core.route.Upstream;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;

/**
 * The upstream side of one routed request, as Envoy's router runs it: one attempt at a time, each
 * to an endpoint of the decision's cluster, under the per-try timeout; a failed one tried again
 * when the {@link RetryState} says so, after its back-off, on an endpoint picked anew. The
 * exchange hears of what it cannot retry and answers the client.
 */
final class Attempts {
  private final Exchange exchange;
  private final RouteDecision decision;
  /** The hosts this request was sent to, for the previous_hosts retry predicate. */
  private final java.util.Set<Upstream> tried = new java.util.HashSet<>(2);
  private final DownstreamStream down;
  private final ListenerContext context;
  private final ConnectionRecord connection;
  private final ExchangeRecord record;
  private final ExchangeTimers timers;
  private final boolean http2;
  private final RetryState retries;
  private final RequestBody body;
  /** The current attempt; null when there is none (before the first, between two, or after it was lost). */
  private UpstreamAttempt current;
  private int count;

  Attempts(Exchange exchange, RouteDecision decision, DownstreamStream down, ListenerContext context,
      ConnectionRecord connection, ExchangeRecord record, ExchangeTimers timers, boolean http2, RetryState retries) {
    this.exchange = exchange;
    this.decision = decision;
    this.down = down;
    this.context = context;
    this.connection = connection;
    this.record = record;
    this.timers = timers;
    this.http2 = http2;
    this.retries = retries;
    // Passthrough resends only requests without a body, so it keeps none.
    this.body = new RequestBody(retries.enabled() ? RequestBody.REPLAY_LIMIT : 0);
  }

  /** The current attempt, or null. */
  UpstreamAttempt current() {
    return current;
  }

  /** The current attempt's connection, or null when there is none yet (or any more). */
  Channel channel() {
    return current == null ? null : current.channel();
  }

  private ClusterTarget target() {
    return decision.target();
  }

  /** The first attempt, to the decision's endpoint. */
  void start() {
    connect(decision.upstream());
  }

  private void connect(Upstream host) {
    tried.add(host);
    count++;
    UpstreamAttempt next = new UpstreamAttempt(exchange, count, host);
    current = next;
    exchange.enter(ExchangePhase.CONNECTING);
    target().attemptStarted(host);
    record.upstreamHost = host.address(); // what a failed connect logs, as Envoy does
    down.request().headers().set(ProxyHeaders.ATTEMPT_COUNT, Integer.toString(count));
    context.pools().acquire(loop(), host, http2).addListener(f -> {
      UpstreamPools.Borrowed b = (UpstreamPools.Borrowed) f.getNow();
      if (exchange.isOver() || current != next) {
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
    current = null;
    if (!retry(retries.onReset(RetryState.Reset.CONNECT_FAILURE, false, requestHasNoBody()))) {
      exchange.fail(resetReply(cause instanceof UpstreamTlsException tls
          ? LocalReply.tlsFailure(tls.envoyReason()) : LocalReply.connectFailure()));
    }
  }

  private void send(UpstreamAttempt a, UpstreamPools.Borrowed b) {
    a.attach(b);
    exchange.enter(ExchangePhase.AWAITING_RESPONSE);
    record.upstreamHost = (InetSocketAddress) b.channel().remoteAddress();
    record.upstreamLocal = (InetSocketAddress) b.channel().localAddress();
    record.upstreamTls = TlsPrincipals.upstream(b.channel());
    // A failed write may end this attempt inside a later write (lost() then retries or the
    // exchange replies), so whether it is still the current one is checked after each.
    a.writeHead(down.request());
    body.writeTo(a, () -> current == a);
    if (current != a) {
      return;
    }
    a.flush();
    a.readMore(down.channel());
    if (!down.requestComplete() || http2) {
      // An HTTP/2 stream is read on even when its request is whole, to hear of a client's reset.
      down.readMore(a.channel());
    }
    if (down.requestComplete()) {
      startPerTry(a);
    }
  }

  /** A part of the request body from the client: to the current attempt, or waiting for one. */
  void bodyPart(HttpContent part) {
    if (!body.add(part)) {
      retries.disable(true);
    }
    UpstreamAttempt a = current;
    if (channel() != null) {
      body.writeTo(a, () -> current == a);
      if (down.requestComplete() && current == a) { // a failed write may have ended this attempt already
        a.flush();
        startPerTry(a);
      }
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

  /**
   * A final response head from the current attempt: told to the cluster, and retried if the
   * policy says so (the exchange then drops it), else passed on with the flag that says why not.
   *
   * @return whether the exchange relays it
   */
  boolean relays(UpstreamAttempt from, HttpResponse response) {
    int code = response.status().code();
    from.ended(target(), code);
    RetryState.Decision retry = retries.onResponse(code, response.headers());
    if (retry == RetryState.Decision.RETRY) {
      end(from);
      retry(retry);
      return false;
    }
    record.flag(retry.flag());
    from.keepAlive(HttpUtil.isKeepAlive(response));
    timers.stopPerTry(); // as in Envoy, a response that has started runs on under the route timeout only
    return true;
  }

  /** A 1xx went to the client: as in Envoy, no retry after it. */
  void informationalSent() {
    retries.disable(false);
  }

  /**
   * The current attempt's connection closed or failed before a response head.
   *
   * @param reset whether it failed (a reset) rather than closed
   */
  void lost(UpstreamAttempt from, boolean reset) {
    timers.stopPerTry();
    current = null;
    from.ended(target(), 0);
    // Passthrough resends only a request whose head never reached the upstream's socket (the app
    // cannot have seen it); once the head was written a close proves nothing: 503 UC, as from
    // Envoy. A route's policy decides as Envoy's retry_on does.
    RetryState.Reset reason = from.refused() ? RetryState.Reset.REFUSED_STREAM
        : reset ? RetryState.Reset.REMOTE_RESET : RetryState.Reset.CONNECTION_TERMINATION;
    if (!retry(retries.onReset(reason, from.headWritten(), requestHasNoBody()))) {
      exchange.fail(resetReply(reset ? LocalReply.remoteReset() : LocalReply.connectionTermination()));
    }
  }

  /**
   * The current attempt's response could not be parsed before anything of it was relayed: as in
   * Envoy, the attempt is reset (reason protocol error), which the route's retry_on may retry.
   */
  void protocolError(UpstreamAttempt from) {
    from.ended(target(), 0);
    from.keepAlive(false);
    end(from);
    if (!retry(retries.onReset(RetryState.Reset.PROTOCOL_ERROR, from.headWritten(), requestHasNoBody()))) {
      exchange.fail(resetReply(LocalReply.protocolError()));
    }
  }

  /** The current attempt's connection was handed over or let go of with the exchange's end. */
  void forget() {
    current = null;
  }

  /** The retry policy's per_try_timeout: the attempt is given up, and retried if the policy says so. */
  private void perTryTimedOut(UpstreamAttempt a) {
    if (exchange.isOver() || current != a) {
      return;
    }
    if (!exchange.perTryTimedOut()) {
      return; // the response has started: the attempt goes on
    }
    a.ended(target(), 504);
    end(a);
    if (!retry(retries.onReset(RetryState.Reset.LOCAL_RESET, a.headWritten(), requestHasNoBody()))) {
      exchange.fail(LocalReply.perTryTimeout());
    }
  }

  /**
   * Acts on a retry decision: a retry waits for its back-off, then picks an endpoint anew;
   * anything else raises the flag that says why there was none.
   *
   * @return whether a retry follows
   */
  private boolean retry(RetryState.Decision decision) {
    if (decision != RetryState.Decision.RETRY) {
      record.flag(decision.flag());
      return false;
    }
    long backoff = retries.backoffMillis();
    if (backoff == 0) {
      retryNow(); // passthrough resends at once, as it always did
    } else {
      exchange.enter(ExchangePhase.BACKOFF);
      timers.waitThen(Duration.ofMillis(backoff), this::retryNow);
    }
    return true;
  }

  private void retryNow() {
    if (exchange.isOver()) {
      return;
    }
    var policy = decision.retry();
    Optional<Upstream> host = policy.avoidPreviousHosts()
        ? target().pick(tried, policy.hostSelectionAttempts()) : target().pick();
    if (host.isEmpty()) {
      exchange.fail(LocalReply.noHealthyUpstream());
      return;
    }
    body.rewind();
    connect(host.get());
  }

  /** Lets go of an attempt whose outcome is known: its connection is closed, its timer stopped. */
  private void end(UpstreamAttempt a) {
    timers.stopPerTry();
    a.end(context.pools(), loop(), false);
    if (current == a) {
      current = null;
    }
  }

  private LocalReply resetReply(LocalReply reply) {
    return retries.retried() && retries.enabled() ? reply.afterRetries() : reply;
  }

  private boolean requestHasNoBody() {
    return down.requestComplete() && record.bytesReceived == 0 && !HttpUtil.isTransferEncodingChunked(down.request());
  }

  /**
   * The exchange is over: the current attempt's connection goes back to the pool if the response
   * was relayed to its end and may be reused, else it is closed; what was held is given back.
   */
  void finish(boolean complete) {
    body.releaseAll();
    if (current != null) {
      current.cancelled(target());
      current.end(context.pools(), loop(), complete && down.requestComplete() && current.keepAlive());
      current = null;
    }
    retries.end();
  }

  private EventLoop loop() {
    return down.channel().eventLoop();
  }
}
