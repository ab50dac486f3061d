package dev.outrigger.core.route;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;

/**
 * How bytes are carried on an upstream connection: the connector's transport-security hook, chosen
 * per upstream connection (Envoy's transport socket: raw_buffer or tls). The connector installs it
 * on each new channel before the protocol handlers (relay, HTTP/1.1 or HTTP/2 codec), so those see
 * plaintext whatever travels on the wire.
 *
 * <p>Part of what makes upstream connections interchangeable: pools key connections by it, so a TLS
 * and a plaintext connection to the same endpoint never mix. Implementations are therefore values:
 * equal when, and only when, their connections may be shared (a singleton, or a record of the
 * identity and policy they present).
 */
public interface UpstreamTransport {
  /** Bytes as they are (Envoy's raw_buffer): nothing to install. */
  UpstreamTransport PLAINTEXT = new Plaintext();

  /**
   * Adds this transport's handlers to a new upstream channel. Runs once, on the channel's event
   * loop, while the connector initialises the channel and before the protocol handlers are added.
   */
  void install(Channel channel);

  /**
   * When a connection is ready for the protocol's bytes, given its TCP connect: the connect itself
   * for plaintext; after the handshake for TLS, so that a failed handshake fails the connect (503
   * UF, as Envoy counts a TLS failure as a connection failure).
   */
  default ChannelFuture established(ChannelFuture connected) {
    return connected;
  }

  /**
   * {@link #established(ChannelFuture)} within {@code connectTimeout} of the connect's start:
   * Envoy's cluster connect_timeout runs until the transport socket reports the connection
   * connected, after the TLS handshake, so a server that stalls the handshake fails as a connect
   * timeout ({@link io.netty.channel.ConnectTimeoutException}). Plaintext: the TCP connect alone,
   * which the socket's own connect timeout bounds.
   */
  default ChannelFuture established(ChannelFuture connected, java.time.Duration connectTimeout) {
    return established(connected);
  }

  /**
   * This transport as an HTTP exchange speaking {@code protocol} upstream uses it: Istio's
   * istio.alpn filter replaces a TLS cluster's ALPN list per upstream HTTP version. A different
   * list is a different transport (its connections are pooled apart, as Envoy hashes the ALPN
   * override into the pool key); plaintext has nothing to override.
   */
  default UpstreamTransport forHttp(UpstreamHttpProtocol protocol) {
    return this;
  }

  /** {@link #PLAINTEXT}. */
  final class Plaintext implements UpstreamTransport {
    private Plaintext() {}

    @Override
    public void install(Channel channel) {}

    @Override
    public String toString() {
      return "plaintext";
    }
  }
}
