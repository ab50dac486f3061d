package dev.outrigger.core.relay;

import dev.outrigger.core.ListenerContext;
import dev.outrigger.core.http.Http1Pipeline;
import dev.outrigger.core.http.Http2Pipeline;
import dev.outrigger.core.listener.PipelineNames;
import dev.outrigger.core.log.ConnectionRecord;
import dev.outrigger.core.net.ClientAddress;
import dev.outrigger.core.net.LoopGuard;
import dev.outrigger.core.net.OriginalDestination;
import dev.outrigger.core.net.OriginalDestinationLookup;
import dev.outrigger.core.route.ConnectionPlan;
import dev.outrigger.core.route.Protocols;
import dev.outrigger.core.route.Router;
import dev.outrigger.core.route.listener.ConnectionFacts;
import dev.outrigger.core.sniff.ClientHello;
import dev.outrigger.core.sniff.ClientHelloParser;
import dev.outrigger.core.sniff.Protocol;
import dev.outrigger.core.sniff.SniffHandler;
import dev.outrigger.core.tls.DownstreamTlsIdentity;
import dev.outrigger.core.tls.TlsPipelineNames;
import io.netty.handler.ssl.SslHandler;
import dev.outrigger.core.stats.Counter;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Set;

/**
 * First handler of an accepted connection: finds its original destination, refuses loops, detects
 * its protocol when the router wants that, then carries out the router's plan (a byte relay, the
 * HTTP path, or a refusal). Reading from the client starts only once there is somewhere to put the
 * bytes.
 */
public final class DownstreamHandler extends ChannelInboundHandlerAdapter {
  private final OriginalDestinationLookup lookup;
  private final LoopGuard loopGuard;
  private final Router router;
  private final ListenerContext context;

  public DownstreamHandler(OriginalDestinationLookup lookup, LoopGuard loopGuard, Router router,
      ListenerContext context) {
    this.lookup = lookup;
    this.loopGuard = loopGuard;
    this.router = router;
    this.context = context;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    Channel downstream = ctx.channel();
    InetSocketAddress acceptedOn = (InetSocketAddress) downstream.localAddress();
    ClientAddress client = new ClientAddress((InetSocketAddress) downstream.remoteAddress());
    ConnectionRecord record = new ConnectionRecord(client.address(), acceptedOn);

    OriginalDestination original;
    try {
      original = lookup.lookup(downstream);
    } catch (IOException | RuntimeException | LinkageError e) {
      refuse(ctx, record, Counter.DOWNSTREAM_CX_NO_ORIGINAL_DST, "no original destination", e);
      return;
    }
    record.originalDestination(original);
    if (loopGuard.isLoop(acceptedOn, original)) {
      refuse(ctx, record, Counter.DOWNSTREAM_CX_LOOP_REFUSED, "refused a loop to the proxy's own listener", null);
      return;
    }
    if (!router.detectsProtocol(original)) {
      ctx.pipeline().remove(this);
      carryOut(downstream, record, facts(original, client, Protocol.OPAQUE, null, record), Protocol.OPAQUE, null, false, 0);
      return;
    }
    SniffHandler.Decision decision = (sniffCtx, protocol, sniffed, inputClosed, firstByteNanos) -> {
      sniffCtx.pipeline().remove(sniffCtx.handler());
      carryOut(downstream, record, facts(original, client, protocol, sniffed, record), protocol, sniffed, inputClosed,
          firstByteNanos);
    };
    ctx.pipeline().replace(this, PipelineNames.SNIFF, new SniffHandler(decision, new SniffExpiry(record, context),
        context.http().timeouts().protocolDetection(), context.http().timeouts().requestHeaders()));
  }

  private void carryOut(Channel downstream, ConnectionRecord record, ConnectionFacts facts, Protocol protocol,
      ByteBuf sniffed, boolean inputClosed, long firstByteNanos) {
    carryOut(downstream, record, facts, protocol, sniffed, inputClosed, firstByteNanos, router.plan(facts));
  }

  private void carryOut(Channel downstream, ConnectionRecord record, ConnectionFacts facts, Protocol protocol,
      ByteBuf sniffed, boolean inputClosed, long firstByteNanos, ConnectionPlan plan) {
    if (plan instanceof ConnectionPlan.Http http) {
      if (protocol == Protocol.HTTP2) {
        Http2Pipeline.install(downstream, record, http.router(), context, sniffed);
      } else {
        Http1Pipeline.install(downstream, record, http.router(), context, sniffed, firstByteNanos);
      }
    } else if (plan instanceof ConnectionPlan.Tcp tcp) {
      TcpRelays.start(downstream, record, tcp.decision(), context, sniffed, inputClosed);
    } else if (plan instanceof ConnectionPlan.TerminateTls tls) {
      terminateTls(downstream, record, tls, sniffed);
    } else if (plan instanceof ConnectionPlan.Refuse refusal) {
      if (sniffed != null) {
        sniffed.release();
      }
      ProxiedConnection connection = new ProxiedConnection(downstream, record, context.stats(),
          context.accessLog(), context.telemetry());
      connection.refuse(refusal.flag(), refusal.cluster(), refusal.why());
    }
  }

  /**
   * TLS ends here: an SslHandler after the handlers already there, fed the ClientHello bytes the
   * detector read, then protocol detection again on the plaintext, whose plan carries on as for a
   * plaintext connection. A failed or unfinished handshake (no client certificate, a foreign root,
   * an expired certificate, not TLS, a stalled client) closes the connection, logged and counted
   * ({@link DownstreamHandshakeFailure}).
   */
  private void terminateTls(Channel downstream, ConnectionRecord record, ConnectionPlan.TerminateTls tls, ByteBuf sniffed) {
    SslHandler ssl = tls.context().newHandler(downstream.alloc());
    // Set before the handler is added, which starts the handshake and its timer.
    ssl.setHandshakeTimeoutMillis(tls.handshakeTimeout().toMillis());
    downstream.pipeline().addLast(TlsPipelineNames.DOWNSTREAM_TLS, ssl);
    downstream.pipeline().addLast(PipelineNames.SNIFF, new TlsHandshakeGuard());
    SniffHandler.Decision decision = (sniffCtx, protocol, plaintext, inputClosed, firstByteNanos) -> {
      sniffCtx.pipeline().remove(sniffCtx.handler());
      carryOut(downstream, record, null, protocol, plaintext, inputClosed, firstByteNanos, tls.decrypted());
    };
    ssl.handshakeFuture().addListener(f -> {
      if (f.isSuccess()) {
        record.downstreamTls(DownstreamTlsIdentity.of(ssl.engine().getSession()));
        // Detection starts on the plaintext only now: its timers and a half-close it sees are the
        // authenticated client's. (This listener runs before SslHandler passes on any data that
        // came with the client's last handshake flight.)
        downstream.pipeline().replace(PipelineNames.SNIFF, PipelineNames.SNIFF, new SniffHandler(decision,
            new SniffExpiry(record, context), context.http().timeouts().protocolDetection(),
            context.http().timeouts().requestHeaders()));
      } else {
        DownstreamHandshakeFailure.record(context.stats(), record, f.cause());
        downstream.close();
      }
    });
    if (sniffed != null) {
      ChannelHandlerContext sslCtx = downstream.pipeline().context(ssl);
      try {
        ssl.channelRead(sslCtx, sniffed);
        ssl.channelReadComplete(sslCtx);
      } catch (Exception e) {
        sslCtx.fireExceptionCaught(e);
      }
    }
  }

  private ConnectionFacts facts(OriginalDestination destination, ClientAddress source, Protocol protocol,
      ByteBuf sniffed, ConnectionRecord record) {
    if (protocol == Protocol.TLS) {
      // Envoy's tls_inspector: transport "tls", the requested server name and the offered ALPN.
      ClientHello hello = sniffed == null ? ClientHello.UNREAD
          : ClientHelloParser.parse(sniffed).orElse(ClientHello.UNREAD);
      if (!hello.read()) {
        context.stats().increment(Counter.TLS_CLIENT_HELLO_UNREAD);
        DegradedLog.log("unreadable TLS ClientHello, choosing a filter chain without server name or ALPN", record, null);
      }
      record.requestedServerName(hello.serverName());
      return new ConnectionFacts(destination, source, "tls", Set.copyOf(hello.applicationProtocols()), hello.serverName());
    }
    Set<String> detected = switch (protocol) {
      case HTTP1 -> Set.of(Protocols.HTTP1);
      case HTTP2 -> Set.of(Protocols.H2C);
      default -> Set.of();
    };
    return new ConnectionFacts(destination, source, "raw_buffer", detected);
  }

  private void refuse(ChannelHandlerContext ctx, ConnectionRecord record, Counter counter, String why, Throwable cause) {
    ProxiedConnection connection = new ProxiedConnection(ctx.channel(), record, context.stats(),
        context.accessLog(), context.telemetry());
    ctx.pipeline().remove(this);
    connection.refuse(counter, why, cause);
  }

  /** Makes the handler for each accepted connection. */
  @FunctionalInterface
  public interface Factory {
    DownstreamHandler create();
  }
}
