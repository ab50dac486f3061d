package dev.outrigger.core.relay;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;

/**
 * Stands after the SslHandler of a connection whose TLS this proxy terminates until the client's
 * handshake is done, when protocol detection replaces it. A client that closes its side
 * mid-handshake ends the connection (Envoy's SslSocket closes on EOF before the handshake ends),
 * instead of detection taking the half-closed connection as TCP and running the chain's plan on a
 * client that never authenticated.
 */
final class TlsHandshakeGuard extends ChannelInboundHandlerAdapter {
  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      ctx.close();
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }
}
