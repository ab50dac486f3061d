package dev.outrigger.core.http;

import dev.outrigger.core.ListenerContext;
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
      upstream.pipeline().remove("exchange");
      upstream.pipeline().remove("idle");
      upstream.pipeline().remove("codec");
      downstream.pipeline().remove("http-session");
      downstream.pipeline().remove("http-codec");
      downstream.pipeline().remove("http-head-bytes");
      downstream.pipeline().remove("http-head-deadline");
    });
  }
}
