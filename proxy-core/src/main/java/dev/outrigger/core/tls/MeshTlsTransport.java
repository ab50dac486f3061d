package dev.outrigger.core.tls;

import dev.outrigger.core.route.UpstreamHttpProtocol;
import dev.outrigger.core.route.UpstreamTransport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
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
  /** Netty's SslHandler default, where no connect timeout is given. */
  private static final Duration DEFAULT_HANDSHAKE_BOUND = Duration.ofSeconds(10);

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
      // The handshake is bounded by the connect timeout from the connect's start (established), not
      // by SslHandler's own timer, which would start only once TCP is up and fail as a TLS error.
      handler.setHandshakeTimeoutMillis(0);
      channel.pipeline().addLast(TlsPipelineNames.UPSTREAM_TLS, handler);
    } catch (SSLException e) {
      channel.attr(NOT_READY).set(e);
    }
  }

  /** Bounded by Netty's default handshake timeout, for callers that give no connect timeout. */
  @Override
  public ChannelFuture established(ChannelFuture connected) {
    return established(connected, DEFAULT_HANDSHAKE_BOUND);
  }

  @Override
  public ChannelFuture established(ChannelFuture connected, Duration connectTimeout) {
    Channel channel = connected.channel();
    ChannelPromise ready = channel.newPromise();
    if (!connectTimeout.isZero() && !connectTimeout.isNegative()) {
      // Envoy counts the TLS handshake in connect_timeout: one deadline from the connect's start.
      ScheduledFuture<?> deadline = channel.eventLoop().schedule(() -> {
        if (ready.tryFailure(new ConnectTimeoutException("connection timed out after " + connectTimeout.toMillis()
            + " ms (TLS handshake with " + sni + " not finished)"))) {
          channel.close();
        }
      }, connectTimeout.toNanos(), TimeUnit.NANOSECONDS);
      ready.addListener(f -> deadline.cancel(false));
    }
    connected.addListener(f -> {
      if (!f.isSuccess()) {
        ready.tryFailure(f.cause());
        return;
      }
      SslHandler handler = channel.pipeline().get(SslHandler.class);
      if (handler == null) {
        SSLException cause = channel.attr(NOT_READY).get();
        channel.close();
        ready.tryFailure(new UpstreamTlsException("TLS error: Secret is not supplied by SDS", cause));
        return;
      }
      handler.handshakeFuture().addListener(h -> {
        if (h.isSuccess()) {
          TlsPrincipals.upstream(channel, handler.engine().getSession());
          ready.trySuccess();
        } else if (!ready.isDone()) {
          channel.close();
          ready.tryFailure(new UpstreamTlsException(TlsFailureReason.of(h.cause()), h.cause()));
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
