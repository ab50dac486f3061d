package dev.outrigger.core.tls;

import dev.outrigger.core.route.UpstreamHttpProtocol;
import dev.outrigger.core.route.UpstreamTransport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import java.util.Objects;
import javax.net.ssl.SSLException;

/**
 * Istio's ISTIO_MUTUAL towards one cluster's mesh endpoints (Envoy's tls transport socket with the
 * identity istiod's SDS names "default" and the "ROOTCA" validation context): this workload's
 * certificate, the cluster's SNI ({@code outbound_.<port>_.<subset>_.<host>}) and ALPN list, and
 * the server verified against the mesh roots and the cluster's SPIFFE SANs. The cluster's ALPN list
 * is what TCP offers; HTTP exchanges offer Istio's per-version list ({@link #forHttp}).
 *
 * <p>A value: equal transports share pooled connections.
 */
public record MeshTlsTransport(TlsContexts contexts, String sni, ClientTlsPolicy policy) implements UpstreamTransport {
  /** Why a connection has no TLS handler: no identity issued yet. */
  private static final AttributeKey<SSLException> NOT_READY = AttributeKey.valueOf("outrigger.tls.notReady");

  public MeshTlsTransport {
    Objects.requireNonNull(contexts, "contexts");
    Objects.requireNonNull(sni, "sni");
    Objects.requireNonNull(policy, "policy");
  }

  @Override
  public void install(Channel channel) {
    try {
      SslHandler handler = contexts.client(policy).newHandler(channel.alloc(), sni, 443);
      ServerNameIndication.set(handler.engine(), sni);
      channel.pipeline().addLast(TlsPipelineNames.UPSTREAM_TLS, handler);
    } catch (SSLException e) {
      channel.attr(NOT_READY).set(e);
    }
  }

  @Override
  public ChannelFuture established(ChannelFuture connected) {
    Channel channel = connected.channel();
    ChannelPromise ready = channel.newPromise();
    connected.addListener(f -> {
      if (!f.isSuccess()) {
        ready.setFailure(f.cause());
        return;
      }
      SslHandler handler = channel.pipeline().get(SslHandler.class);
      if (handler == null) {
        SSLException cause = channel.attr(NOT_READY).get();
        channel.close();
        ready.setFailure(new UpstreamTlsException("TLS error: Secret is not supplied by SDS", cause));
        return;
      }
      handler.handshakeFuture().addListener(h -> {
        if (h.isSuccess()) {
          ready.setSuccess();
        } else {
          channel.close();
          ready.setFailure(new UpstreamTlsException(TlsFailureReason.of(h.cause()), h.cause()));
        }
      });
    });
    return ready;
  }

  /** The istio.alpn override: the cluster's SNI, SANs and identity, Istio's ALPN list for {@code protocol}. */
  @Override
  public MeshTlsTransport forHttp(UpstreamHttpProtocol protocol) {
    return new MeshTlsTransport(contexts, sni, new ClientTlsPolicy(IstioAlpn.forHttp(protocol), policy.acceptedSans()));
  }

  @Override
  public String toString() {
    return "tls(sni=" + sni + ", alpn=" + policy.alpn() + ", san=" + policy.acceptedSans() + ")";
  }
}
