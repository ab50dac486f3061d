package dev.outrigger.core.http;

import dev.outrigger.core.ListenerContext;
import dev.outrigger.core.log.ConnectionRecord;
import dev.outrigger.core.log.ResponseFlag;
import dev.outrigger.core.relay.DegradedLog;
import dev.outrigger.core.relay.Resets;
import dev.outrigger.core.overload.ReadGate;
import dev.outrigger.core.route.HttpRouting;
import dev.outrigger.core.route.RouteDecision;
import dev.outrigger.core.route.Upstream;
import dev.outrigger.core.stats.Counter;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One request and its response. Both connections are on one event loop, so no field here is
 * shared across threads. The request body and the response body are streamed: each side is read
 * only while the other can take more.
 */
final class Exchange {
  /** Istio's default num_retries (route retry policy attempts: 2). */
  private static final int MAX_RETRIES = 2;
  private final ExchangeOwner owner;
  private final Channel downstream;
  private final HttpRequest request;
  private final ConnectionRecord connection;
  /** Where the request goes; null when the routing answered it here ({@link #answer}). */
  private final RouteDecision decision;
  private final HttpRouting.Answer answer;
  private final Upstream upstream;
  private final ListenerContext context;
  private final ExchangeRecord record;
  private final ArrayDeque<HttpContent> bodyBeforeConnect = new ArrayDeque<>(2);
  private UpstreamPools.Borrowed borrowed;
  private Channel up;
  private ScheduledFuture<?> timeout;
  private StreamIdleTimer idle;
  private int attempt;
  private boolean requestSent;
  private long sentNanos;
  private boolean upgrade;
  private boolean downstreamKeepAlive;
  private boolean upstreamKeepAlive;
  private boolean requestDone;
  private boolean informational;
  private boolean responseStarted;
  private boolean responseDone;
  private boolean finished;

  Exchange(ExchangeOwner owner, Channel downstream, HttpRequest request, ConnectionRecord connection,
      HttpRouting routing, ListenerContext context) {
    this.owner = owner;
    this.downstream = downstream;
    this.request = request;
    this.connection = connection;
    this.decision = routing instanceof HttpRouting.Forward f ? f.decision() : null;
    this.answer = routing instanceof HttpRouting.Answer a ? a : null;
    this.upstream = decision == null ? null : decision.upstream();
    this.context = context;
    this.upgrade = ProxyHeaders.isUpgrade(request.headers());
    this.downstreamKeepAlive = HttpUtil.isKeepAlive(request);
    ProxyHeaders.prepareRequest(request.headers(), context.http(), upgrade);
    this.record = new ExchangeRecord(connection, request, owner.protocol(request),
        decision != null ? decision.cluster() : answer.cluster(),
        decision != null ? decision.routeName() : answer.routeName());
  }

  boolean requestDone() {
    return requestDone;
  }

  void start() {
    if (answer != null) {
      localReply(LocalReply.routed(answer));
      return;
    }
    long routeTimeout = decision.timeout().toMillis();
    if (routeTimeout > 0) {
      timeout = downstream.eventLoop().schedule(this::timedOut, routeTimeout, TimeUnit.MILLISECONDS);
    }
    idle = new StreamIdleTimer(downstream.eventLoop(), context.http().timeouts().streamIdle(), this::streamIdle);
    connect();
  }

  /** Answers a request the codec could not parse, then closes the connection. */
  void reject(LocalReply reply) {
    requestDone = true;
    downstreamKeepAlive = false;
    localReply(reply);
  }

  private void connect() {
    attempt++;
    record.upstreamHost = upstream.address(); // what a failed connect logs, as Envoy does
    request.headers().set(ProxyHeaders.ATTEMPT_COUNT, Integer.toString(attempt));
    context.pools().acquire(downstream.eventLoop(), upstream, owner.http2()).addListener(f -> {
      UpstreamPools.Borrowed b = (UpstreamPools.Borrowed) f.getNow();
      if (finished) {
        if (b != null) {
          context.pools().release(downstream.eventLoop(), upstream, b.channel());
        }
      } else if (b == null) {
        UpstreamConnectFailure.record(context, connection, record, upstream, f.cause());
        localReply(LocalReply.connectFailure());
      } else {
        attach(b);
      }
    });
  }

  private void attach(UpstreamPools.Borrowed b) {
    borrowed = b;
    Channel channel = b.channel();
    up = channel;
    b.handler().attach(this);
    record.upstreamHost = (InetSocketAddress) channel.remoteAddress();
    record.upstreamLocal = (InetSocketAddress) channel.localAddress();
    sentNanos = System.nanoTime();
    // A write can fail at once (a reset connection, an HTTP/2 stream refused after GOAWAY):
    // upstreamClosed() may then run inside a later write and retry or reply, so `up` is re-checked
    // rather than assumed. Only the head's own outcome says whether the app can have seen it.
    requestSent = false;
    channel.write(request).addListener(f -> {
      if (f.isSuccess()) {
        requestSent = up == channel;
      } else {
        channel.close(); // the upstream's close then ends this attempt, and may retry it
      }
    });
    HttpContent c;
    while (up == channel && (c = bodyBeforeConnect.poll()) != null) {
      channel.write(c, channel.voidPromise());
    }
    if (up != channel) {
      return;
    }
    channel.flush();
    ReadGate.read(channel, downstream);
    if (!requestDone) {
      ReadGate.read(downstream, channel);
    }
  }

  void requestContent(HttpContent content) {
    activity();
    record.bytesReceived += content.content().readableBytes();
    requestDone = content instanceof LastHttpContent;
    if (content.decoderResult().isFailure()) {
      // A malformed body after the head went upstream: that upstream connection holds part of a
      // request and is closed (finish() never pools it); the client is told, or cut if answered.
      ReferenceCountUtil.release(content);
      downstreamKeepAlive = false;
      if (finished) {
        return;
      }
      if (responseStarted) {
        record.flag(ResponseFlag.DOWNSTREAM_PROTOCOL_ERROR);
        abort();
      } else {
        localReply(LocalReply.badRequest());
      }
    } else if (finished) {
      ReferenceCountUtil.release(content);
    } else if (up == null) {
      bodyBeforeConnect.add(content);
    } else {
      up.write(content, up.voidPromise());
      if (requestDone && up != null) { // a failed write may have ended this attempt already
        up.flush();
      }
    }
  }

  void downstreamReadComplete() {
    if (up != null && !finished) {
      up.flush();
      if (!requestDone && up.isWritable()) {
        ReadGate.read(downstream, up);
      }
    }
  }

  void upstreamWritable() {
    if (!requestDone && !finished) {
      ReadGate.read(downstream, up);
    }
  }

  void downstreamWritable() {
    if (up != null && responseStarted && !responseDone) {
      ReadGate.read(up, downstream);
    }
  }

  void upstreamReadComplete() {
    downstream.flush();
    if (!responseDone && downstream.isWritable() && up != null) {
      ReadGate.read(up, downstream);
    }
  }

  void onUpstream(HttpObject object) {
    if (finished) {
      ReferenceCountUtil.release(object);
      return;
    }
    activity();
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
      if (informational) {
        informational = !last; // the empty end of a 100 Continue
        downstream.write(content, downstream.voidPromise());
        return;
      }
      record.bytesSent += content.content().readableBytes();
      downstream.write(content, downstream.voidPromise());
      if (last) {
        responseDone = true;
        downstream.flush();
        if (record.responseCode == 101) {
          Upgrades.handOver(owner, downstream, up, connection, record.cluster, context);
          up = null;
        }
        finish();
      }
    }
  }

  private void onResponseHead(HttpResponse response) {
    int code = response.status().code();
    if (code >= 100 && code < 200 && code != 101) {
      informational = true; // 100 Continue: pass it on, the real answer follows
      downstream.write(response, downstream.voidPromise());
      return;
    }
    responseStarted = true;
    record.responseCode = code;
    record.details = "via_upstream";
    record.upstreamServiceTime = (System.nanoTime() - sentNanos) / 1_000_000;
    upstreamKeepAlive = HttpUtil.isKeepAlive(response);
    ProxyHeaders.prepareResponse(response, record.upstreamServiceTime, code == 101 && upgrade);
    if (code != 101) {
      frameForDownstream(response);
    }
    downstream.write(response, downstream.voidPromise());
  }

  /** A close-delimited body (HTTP/1.0 upstream) is chunked for an HTTP/1.1 client, else ends the connection. */
  private void frameForDownstream(HttpResponse response) {
    boolean framed = HttpUtil.isContentLengthSet(response) || HttpUtil.isTransferEncodingChunked(response);
    if (!framed && !isBodyless(response)) {
      if (request.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
        response.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
      } else {
        downstreamKeepAlive = false;
      }
    }
    HttpUtil.setKeepAlive(response, downstreamKeepAlive);
  }

  private boolean isBodyless(HttpResponse response) {
    int code = response.status().code();
    return code == 204 || code == 304 || request.method().name().equals("HEAD");
  }

  /**
   * The upstream's response could not be parsed. As Envoy: 503 UPE if the client has seen nothing
   * of it, else the client connection is reset; either way that upstream connection is closed.
   */
  private void upstreamProtocolError(String why) {
    context.stats().increment(Counter.UPSTREAM_CX_PROTOCOL_ERROR);
    DegradedLog.log("upstream protocol error", connection, new IllegalArgumentException(why));
    upstreamKeepAlive = false;
    if (!responseStarted) {
      localReply(LocalReply.protocolError());
    } else {
      record.flag(ResponseFlag.UPSTREAM_PROTOCOL_ERROR);
      downstreamKeepAlive = false;
      Resets.reset(downstream);
      finish();
    }
  }

  /** The upstream closed ({@code cause} null) or failed before the exchange was over. */
  void upstreamClosed(Throwable cause) {
    if (finished || responseDone) {
      return;
    }
    boolean reset = cause != null;
    up = null;
    if (!responseStarted) {
      if (!requestSent && attempt <= MAX_RETRIES && requestHasNoBody()) {
        // Not one complete request head reached the upstream's socket: the app cannot have seen
        // it, so sending it again is safe (Envoy's reset-before-request). Once the head was
        // written, a close proves nothing (the app may have read it): 503 UC, as from Envoy.
        context.stats().increment(Counter.UPSTREAM_RQ_RETRY);
        bodyBeforeConnect.add(LastHttpContent.EMPTY_LAST_CONTENT); // the end went to the old connection
        connect();
        return;
      }
      localReply(reset ? LocalReply.remoteReset() : LocalReply.connectionTermination());
    } else {
      record.flag(reset ? ResponseFlag.UPSTREAM_REMOTE_RESET : ResponseFlag.UPSTREAM_CONNECTION_TERMINATION);
      downstreamKeepAlive = false;
      abort(); // headers were sent: the only honest signal left is to cut the client connection
    }
  }

  private boolean requestHasNoBody() {
    return requestDone && record.bytesReceived == 0 && !HttpUtil.isTransferEncodingChunked(request);
  }

  /** The client went away before its answer was complete. */
  void downstreamClosed() {
    if (!finished) {
      record.flag(ResponseFlag.DOWNSTREAM_CONNECTION_TERMINATION);
      if (!responseStarted) {
        record.responseCode = 0;
      }
      downstreamKeepAlive = false;
      finish();
    }
  }

  private void timedOut() {
    if (finished) {
      return;
    }
    if (!responseStarted) {
      localReply(LocalReply.timeout());
    } else {
      record.flag(ResponseFlag.UPSTREAM_REQUEST_TIMEOUT);
      downstreamKeepAlive = false;
      abort();
    }
  }

  private void activity() {
    if (idle != null) {
      idle.activity();
    }
  }

  /** Envoy's stream idle timeout: a local reply while nothing was answered yet, else a reset. */
  private void streamIdle() {
    if (finished) {
      return;
    }
    context.stats().increment(Counter.DOWNSTREAM_RQ_IDLE_TIMEOUT);
    DegradedLog.log("stream idle timeout", connection, null);
    if (!responseStarted) {
      // An h2 request that ended with its HEADERS frame arrives whole (a FullHttpRequest).
      localReply(LocalReply.streamIdleTimeout(requestDone || request instanceof LastHttpContent));
    } else {
      record.flag(ResponseFlag.STREAM_IDLE_TIMEOUT);
      downstreamKeepAlive = false;
      abort();
    }
  }

  private void localReply(LocalReply reply) {
    context.stats().increment(Counter.DOWNSTREAM_RQ_LOCAL_REPLY);
    record.responseCode = reply.status().code();
    record.flag(reply.flag());
    record.details = reply.details();
    if (!requestDone) {
      downstreamKeepAlive = false; // the rest of the request body would be read as a new request
    }
    // An HTTP/1.0 client is answered in 1.0; anything the decoder refused, or another version, in 1.1.
    boolean http10 = request.decoderResult().isSuccess() && request.protocolVersion().equals(HttpVersion.HTTP_1_0);
    var response = reply.toResponse(downstream.alloc(), http10 ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1);
    record.bytesSent = response.content().readableBytes();
    io.netty.handler.codec.http.HttpUtil.setKeepAlive(response, downstreamKeepAlive);
    downstream.writeAndFlush(response, downstream.voidPromise());
    finish();
  }

  private void abort() {
    downstream.close();
    finish();
  }

  private void finish() {
    if (finished) {
      return;
    }
    finished = true;
    if (timeout != null) {
      timeout.cancel(false);
    }
    if (idle != null) {
      idle.stop();
    }
    bodyBeforeConnect.forEach(ReferenceCountUtil::release);
    bodyBeforeConnect.clear();
    if (up != null) {
      borrowed.handler().detach();
      if (responseDone && requestDone && upstreamKeepAlive) {
        context.pools().release(downstream.eventLoop(), upstream, up);
      } else {
        up.close();
      }
      up = null;
    }
    var entry = record.toEntry(context.direction());
    context.accessLog().write(entry);
    context.telemetry().httpRequest(entry);
    if (record.responseCode == 101 && responseDone) {
      return; // the connection is a byte relay now
    }
    owner.exchangeDone(downstreamKeepAlive && requestDone);
  }
}
