package dev.outrigger.core.http;

import dev.outrigger.core.ListenerContext;
import dev.outrigger.core.listener.PipelineNames;
import dev.outrigger.core.log.ConnectionRecord;
import dev.outrigger.core.relay.TcpRelays;
import io.netty.channel.Channel;

/** After a 101 Switching Protocols (WebSocket), both connections carry bytes, not HTTP. */
final class Upgrades {
  private Upgrades() {}

  static void handOver(ExchangeOwner session, Channel downstream, Channel upstream, ConnectionRecord connection,
      String cluster, ListenerContext context) {
    session.handedOver();
    upstream.pipeline().get(UpstreamHandler.class).detach();
    TcpRelays.handOver(downstream, upstream, connection, cluster, context, () -> {
      upstream.pipeline().remove(PipelineNames.UPSTREAM_EXCHANGE);
      upstream.pipeline().remove(PipelineNames.UPSTREAM_IDLE);
      upstream.pipeline().remove(PipelineNames.UPSTREAM_CODEC);
      downstream.pipeline().remove(PipelineNames.HTTP_SESSION);
      downstream.pipeline().remove(PipelineNames.HTTP_CODEC);
      downstream.pipeline().remove(PipelineNames.HTTP_HEAD_BYTES);
      downstream.pipeline().remove(PipelineNames.HTTP_HEAD_DEADLINE);
    });
  }
}
