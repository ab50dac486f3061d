package dev.outrigger.core.relay;

import dev.outrigger.core.ListenerContext;
import dev.outrigger.core.listener.PipelineNames;
import dev.outrigger.core.log.ConnectionRecord;
import dev.outrigger.core.route.RouteDecision;
import dev.outrigger.core.stats.Counter;
import dev.outrigger.core.telemetry.Telemetry;
import dev.outrigger.core.tls.TlsPrincipals;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ConnectTimeoutException;

/** The two ways a connection becomes a byte relay: from the start, or after an HTTP upgrade. */
public final class TcpRelays {
  private TcpRelays() {}

  /**
   * Connects upstream and relays bytes as they are, starting with any the sniffer already read.
   *
   * @param sniffed bytes read while detecting the protocol (ownership passes here), or null
   * @param inputClosed whether the client already sent FIN
   */
  public static void start(Channel downstream, ConnectionRecord record, RouteDecision decision,
      ListenerContext context, ByteBuf sniffed, boolean inputClosed) {
    record.upstream(decision.upstream().address(), decision.cluster());
    ProxiedConnection connection = new ProxiedConnection(downstream, record, context.stats(), context.accessLog(),
        context.telemetry());
    downstream.pipeline().addLast(PipelineNames.RELAY, new RelayHandler(connection, Side.DOWNSTREAM));
    if (sniffed != null) {
      if (sniffed.isReadable()) {
        connection.forward(Side.DOWNSTREAM, sniffed);
      } else {
        sniffed.release();
      }
    }
    if (inputClosed) {
      connection.inputShutdown(Side.DOWNSTREAM);
    }
    context.telemetry().tcpOpened(context.direction(), record, downstream.eventLoop());
    decision.target().attemptStarted(decision.upstream());
    context.connector().connect(downstream.eventLoop(), decision.upstream(), new RelayHandler(connection, Side.UPSTREAM))
        .addListener((ChannelFutureListener) f -> {
          // For outlier detection a connection made is a success, a failed connect a gateway failure.
          decision.target().attemptEnded(decision.upstream(), f.isSuccess() ? 200 : 0);
          if (f.isSuccess()) {
            record.upstreamTls(TlsPrincipals.upstream(f.channel()));
            connection.upstreamConnected(f.channel());
          } else {
            boolean timedOut = f.cause() instanceof ConnectTimeoutException;
            connection.upstreamFailed(
                timedOut ? Counter.UPSTREAM_CX_CONNECT_TIMEOUT : Counter.UPSTREAM_CX_CONNECT_FAIL, f.cause());
          }
        });
  }

  /**
   * Turns two connected HTTP channels into a byte relay (after 101 Switching Protocols).
   *
   * @param removeHttpHandlers removes the HTTP codecs; it runs after the relay handlers are in
   *     place, so bytes the codecs still hold are passed on rather than lost
   */
  public static void handOver(Channel downstream, Channel upstream, ConnectionRecord record, String cluster,
      ListenerContext context, Runnable removeHttpHandlers) {
    record.upstream((java.net.InetSocketAddress) upstream.remoteAddress(), cluster);
    // Istio counts an upgraded connection once, as the HTTP request: no TCP metrics for it.
    ProxiedConnection connection = new ProxiedConnection(downstream, record, context.stats(), context.accessLog(),
        Telemetry.NONE);
    downstream.pipeline().addLast(PipelineNames.RELAY, new RelayHandler(connection, Side.DOWNSTREAM));
    upstream.pipeline().addLast(PipelineNames.RELAY, new RelayHandler(connection, Side.UPSTREAM));
    removeHttpHandlers.run();
    connection.upstreamConnected(upstream);
  }
}
